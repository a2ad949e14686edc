/**
 * Whether a process id names a running process on this machine: signal 0 checks without signalling
 * (EPERM: it runs, under another user). Temp files, site builds and the lake lock record the pid of
 * their writer, so what a dead writer left can be told from what a live one is still using.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
