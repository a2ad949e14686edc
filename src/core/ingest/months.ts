import { UsageError } from '../errors.ts';

/** A calendar month; `month` is 1–12. */
export interface Month {
  year: number;
  month: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** '2025-06' → { year: 2025, month: 6 }; anything else is a usage error naming the option. */
export function parseMonth(text: string, option = '--period'): Month {
  const m = MONTH.exec(text.trim());
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    throw new UsageError(`${option} "${text}" is not a month`, `Write the month as YYYY-MM, e.g. ${option} 2025-06.`);
  }
  return { year: Number(m[1]), month };
}

export const formatMonth = ({ year, month }: Month): string => `${year}-${String(month).padStart(2, '0')}`;

export const monthIndex = ({ year, month }: Month): number => year * 12 + month - 1;
const monthAt = (index: number): Month => ({ year: Math.floor(index / 12), month: (index % 12) + 1 });

export const addMonths = (m: Month, n: number): Month => monthAt(monthIndex(m) + n);

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthAt(i));
  return out;
}
