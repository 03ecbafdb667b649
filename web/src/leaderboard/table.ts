// A sortable table: each column heading is a button (keyboard: Tab, then Enter or Space); the sorted column
// carries aria-sort. Cells are written with textContent only: every value is data from the server.
export interface Column<Row> {
  key: string;
  label: string;
  value: (row: Row) => string | number | null;
  /** Shown text; default: the value as it is. */
  format?: (row: Row) => string;
  numeric?: boolean;
}

export class SortableTable<Row> {
  private rows: Row[] = [];
  private sortKey: string;
  private descending: boolean;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly columns: Column<Row>[],
    initial: { key: string; descending: boolean },
  ) {
    this.sortKey = initial.key;
    this.descending = initial.descending;
    const headRow = table.tHead!.rows[0];
    headRow.replaceChildren();
    for (const column of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = column.key;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = column.label;
      button.addEventListener('click', () => this.sortBy(column.key));
      th.append(button);
      headRow.append(th);
    }
  }

  setRows(rows: Row[]): void {
    this.rows = rows;
    this.render();
  }

  /** The same column again reverses the order; a new column starts with its best (highest number, A→Z) first. */
  sortBy(key: string): void {
    const column = this.columns.find((c) => c.key === key)!;
    this.descending = key === this.sortKey ? !this.descending : column.numeric === true;
    this.sortKey = key;
    this.render();
  }

  private render(): void {
    const column = this.columns.find((c) => c.key === this.sortKey)!;
    const sign = this.descending ? -1 : 1;
    const sorted = [...this.rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (x === null || x === '') return 1; // missing values last, whatever the direction
      if (y === null || y === '') return -1;
      return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    });
    for (const th of this.table.tHead!.rows[0].cells) {
      if (th.dataset.key === this.sortKey) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    const body = this.table.tBodies[0];
    body.replaceChildren(
      ...sorted.map((row) => {
        const tr = document.createElement('tr');
        for (const c of this.columns) {
          const td = document.createElement('td');
          const v = c.value(row);
          td.textContent = c.format ? c.format(row) : v === null ? '—' : String(v);
          if (c.numeric) td.className = 'number';
          td.dataset.key = c.key;
          tr.append(td);
        }
        return tr;
      }),
    );
  }
}
