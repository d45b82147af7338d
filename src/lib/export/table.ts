/**
 * A chart's numbers as a table: one plain structure that becomes both the CSV download and the
 * accessible HTML data table (the charts' text alternative). Pure; no DOM.
 */

/** One cell: a number, a label, or nothing (a quantity this row does not have). */
export type Cell = number | string | null;

export interface DataTable {
  /** What the table holds, in a sentence (the HTML caption). */
  caption: string;
  /** Column headers, naming the quantity and its unit or axis (`time step t`, `training step`). */
  columns: string[];
  /** The first `rowHeaders` columns name the row (`<th scope="row">`), the rest are data. */
  rowHeaders: number;
  rows: Cell[][];
}

/**
 * A float32 value as the shortest decimal that reads back as the same float32 (at most 9
 * significant digits), so a CSV or a table shows `0.1`, not `0.10000000149011612`. Non-finite
 * values pass through.
 */
export function float32Value(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 6; digits < 9; digits++) {
    const short = Number(value.toPrecision(digits));
    if (Math.fround(short) === Math.fround(value)) return short;
  }
  return Number(value.toPrecision(9));
}

/**
 * A cell as CSV text: numbers in JavaScript's shortest round-trip form (`Number(text)` gives the
 * same number back; NaN and ±Infinity as `NaN`, `Infinity`, `-Infinity`, which NumPy, pandas and
 * `Number` all read), nothing as an empty field, text quoted when it holds a comma, a quote or a
 * line break (RFC 4180).
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The table as CSV: a header line, then one line per row, CRLF line ends (RFC 4180). */
export function toCsv(table: Pick<DataTable, 'columns' | 'rows'>): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * Reads CSV text (RFC 4180: quoted fields with `""` for a quote, CRLF or LF line ends) into rows
 * of strings. A trailing line end adds no empty row.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** A cell for a person: numbers with up to 4 significant digits, nothing as a dash. */
export function displayCell(cell: Cell): string {
  if (cell === null) return '—';
  if (typeof cell === 'string') return cell;
  if (Number.isNaN(cell)) return 'NaN';
  if (!Number.isFinite(cell)) return cell > 0 ? '∞' : '−∞';
  if (Number.isInteger(cell) && Math.abs(cell) < 1e9) return String(cell);
  const size = Math.abs(cell);
  const text =
    size !== 0 && (size >= 1e5 || size < 1e-3)
      ? cell.toExponential(3)
      : String(Number(cell.toPrecision(4)));
  return text.replaceAll('-', '−');
}
