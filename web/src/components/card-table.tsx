import type { ComponentChildren } from 'preact';

/** Extra attributes of a cell or row (`data-*`, `aria-*`); `undefined` leaves one out. */
export type CellAttributes = Record<string, string | number | boolean | undefined>;

/** One column of a {@link CardTable}: its header, and how one row fills its cell. */
export interface CardColumn<R> {
  /** The cell's `data-col` (the browser tests find cells by it); none when omitted. */
  col?: string;
  /** The header text, also the cell's `data-label` (shown beside the value when rows become cards). */
  label: string;
  cell: (row: R) => ComponentChildren;
  /** The row's own header cell (`<th scope="row">`) instead of a `<td>`. */
  rowHeader?: boolean;
  class?: string;
  /** Attributes that depend on the row, e.g. `data-status`. */
  attrs?: (row: R) => CellAttributes;
}

/**
 * A data table that narrow screens show as one card per row (`table.data.cards`, styles.css): a
 * header row from the columns' labels, then each row's cells labelled with the same words.
 */
export function CardTable<R>({ name, caption, columns, rows, rowKey, rowAttrs }: { name: string; caption?: string; columns: readonly CardColumn<R>[]; rows: readonly R[]; rowKey: (row: R) => string | number; rowAttrs: (row: R) => CellAttributes }) {
  return (
    <div class="table-wrap">
      <table class="data cards" data-table={name}>
        {caption !== undefined && <caption class="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowAttrs(row)}>
              {columns.map((c, i) => {
                const Cell = c.rowHeader ? 'th' : 'td';
                return (
                  <Cell key={i} scope={c.rowHeader ? 'row' : undefined} data-col={c.col} data-label={c.label} class={c.class} {...c.attrs?.(row)}>
                    {c.cell(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
