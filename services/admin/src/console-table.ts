/**
 * The tab-aligned tables of kopano-admin (KGC's ConsoleTable): every line starts with a tab, each
 * cell is followed by a tab plus as many tabs as it needs to reach the column's widest cell (in
 * 8-column tab stops), and a header is underlined with dashes.
 */
const LEAD = '\t';

function width(text: string): number {
  return [...text].length;
}

export function renderTable(headers: readonly string[] | null, rows: readonly (readonly string[])[]): string[] {
  const columns = headers?.length ?? rows[0]?.length ?? 0;
  const max = new Array<number>(columns).fill(0);
  for (const row of headers ? [headers, ...rows] : rows) {
    for (let c = 0; c < columns; c++) max[c] = Math.max(max[c] ?? 0, width(row[c] ?? ''));
  }
  const renderRow = (row: readonly string[]): string => {
    let line = LEAD;
    for (let c = 0; c < columns; c++) {
      const cell = row[c] ?? '';
      line += `${cell}\t`;
      if (c + 1 < columns) line += '\t'.repeat(Math.floor((max[c] ?? 0) / 8) - Math.floor(width(cell) / 8));
    }
    return line;
  };
  const out: string[] = [];
  if (headers) {
    out.push(renderRow(headers));
    const total = max.reduce((a, b) => a + b, 0) + (columns - 1) * 8;
    out.push(`${LEAD}${'-'.repeat(total)}`);
  }
  for (const row of rows) out.push(renderRow(row));
  return out;
}

/** kopano-admin's user table (`print_users`): login name and full name. */
export function renderUsers(users: readonly { username: string; fullName: string }[]): string[] {
  return renderTable(
    ['Username', 'Fullname'],
    users.map((u) => [u.username, u.fullName]),
  );
}
