/**
 * `chainwatch query … | head -1`: the reader has what it wanted and closed the pipe; that is not a
 * failure, so an EPIPE on stdout ends the process quietly with exit 0. Installed once per process
 * (main runs many times in one test process); any other stdout error stays an error.
 */
function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
}

export function exitQuietlyOnClosedPipe(): void {
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
}
