/** `value` with `digits` decimals. */
export const fixed = (value: number, digits = 0): string => value.toFixed(digits);

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A target of the benchmark issues, with what a run measured; `met` is undefined when it did not run. */
export interface Target {
  goal: string;
  measured: string;
  met: boolean | undefined;
}
