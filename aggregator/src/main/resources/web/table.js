// A table whose rows are replaced on every refresh while the reader's sort choice stays. Every cell keeps
// the raw value it shows in data-value, so tests and tools compare exact numbers, not formatted text.
import { el, show } from './dom.js';
import { exactBytes, formatBytes } from './format.js';

/**
 * Columns: {key, label, value: row => raw value, bytes?: true, link?: row => href, content?: row => node}.
 * Rows are shown in the order given until a header is clicked; then by that column (numbers largest
 * first), and a second click reverses.
 */
export class LiveTable {
  constructor(id, columns, rowKey) {
    this.columns = columns;
    this.rowKey = rowKey;
    this.sort = null;
    this.rows = [];
    this.body = el('tbody');
    this.headers = columns.map(column => el('th', {
      scope: 'col', class: column.bytes ? 'num' : null, dataset: { column: column.key },
      onclick: () => this.sortBy(column),
    }, column.label));
    this.element = el('table', { id }, el('thead', {}, el('tr', {}, this.headers)), this.body);
  }

  update(rows) {
    this.rows = rows;
    this.draw();
  }

  sortBy(column) {
    const numeric = this.rows.length > 0 && typeof column.value(this.rows[0]) === 'number';
    const descending = this.sort?.column === column ? !this.sort.descending : numeric;
    this.sort = { column, descending };
    this.draw();
  }

  draw() {
    const rows = this.sort ? [...this.rows].sort(this.comparator()) : this.rows;
    show(this.body, rows.map(row => el('tr', { dataset: { key: this.rowKey(row) } },
      this.columns.map(column => this.cell(column, row)))));
    this.headers.forEach((header, i) => header.setAttribute('aria-sort',
      this.sort?.column !== this.columns[i] ? 'none' : this.sort.descending ? 'descending' : 'ascending'));
    this.element.dataset.sort = this.sort ? `${this.sort.column.key} ${this.sort.descending ? 'desc' : 'asc'}` : '';
  }

  comparator() {
    const { column, descending } = this.sort;
    return (a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    };
  }

  cell(column, row) {
    const value = column.value(row);
    const text = column.bytes ? formatBytes(value) : String(value);
    const content = column.content ? column.content(row) : column.link ? el('a', { href: column.link(row) }, text) : text;
    return el('td', {
      class: column.bytes ? 'num' : null, title: column.bytes ? exactBytes(value) : null,
      dataset: { column: column.key, value: String(value) },
    }, content);
  }
}
