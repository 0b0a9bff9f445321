// Who shares which buffer, as three columns: the process that created each buffer, the buffer, and the
// processes holding it (handles, dma-buf fds, mappings). A process in both roles appears in both columns,
// so every edge runs left to right and the picture reads as creator → buffer → holders.
import { el, svg, show } from './dom.js';
import { formatBytes, exactBytes } from './format.js';
import { pages } from './links.js';

/** The most buffers the graph draws: the largest. */
export const MAX_BUFFERS = 60;
const ROW = 30;
const NODE_HEIGHT = 22;
const NODE_WIDTH = 190;
const COLUMN_X = [0, 285, 570];
const TOP = 34;

export class SharingGraph {
  constructor() {
    this.element = el('div', { id: 'sharing-graph' });
  }

  /**
   * {@code largest}: the API's page of the host's largest buffers (largest first, ties by id), at most MAX_BUFFERS
   * of its {@code total}; {@code commByPid}: names of the host's live processes; a dead creator is known by its pid only.
   */
  update(host, largest, commByPid, policy) {
    if (largest.total === 0) {
      show(this.element, el('p', { class: 'note' }, 'no live buffers'));
      return;
    }
    const shown = [...largest.buffers];
    const name = pid => (commByPid.has(pid) ? `${pid} ${commByPid.get(pid)}` : `${pid}`);
    const processLink = pid => (commByPid.has(pid) ? pages.process(host, pid, policy) : null);
    const mmGone = pid => shown.some(buffer => buffer.creatorPid === pid && !buffer.creatorMmAlive);

    const creators = [...new Set(shown.map(buffer => buffer.creatorPid))].sort((a, b) => a - b);
    // Buffers grouped under their creator, then holders placed near the buffers they hold: fewer crossings.
    shown.sort((a, b) => creators.indexOf(a.creatorPid) - creators.indexOf(b.creatorPid) || a.object - b.object);
    const holders = holderOrder(shown);

    const nodes = [
      ...creators.map((pid, row) => ({
        id: `creator:${pid}`, column: 0, row, href: processLink(pid),
        label: mmGone(pid) ? `${name(pid)} (mm gone)` : name(pid),
        kind: mmGone(pid) ? 'process gone' : 'process',
      })),
      ...shown.map((buffer, row) => ({
        id: `buffer:${buffer.object}`, column: 1, row, kind: 'buffer',
        label: `#${buffer.object} ${buffer.region} ${formatBytes(buffer.sizeBytes)}`,
        title: `object ${buffer.object} on minor ${buffer.minor}, ${buffer.region}: ${exactBytes(buffer.sizeBytes)}, `
          + `${exactBytes(buffer.residentBytes)} resident; ${buffer.handles} handles, ${buffer.dmaBufs} dma-bufs, `
          + `${buffer.mappings} mappings`,
      })),
      ...holders.map((pid, row) => ({ id: `holder:${pid}`, column: 2, row, label: name(pid), kind: 'process', href: processLink(pid) })),
    ];
    const at = new Map(nodes.map(node => [node.id, node]));
    const edges = shown.flatMap(buffer => [
      { from: `creator:${buffer.creatorPid}`, to: `buffer:${buffer.object}`, kind: 'created' },
      ...buffer.holders.map(holder => ({
        from: `buffer:${buffer.object}`, to: `holder:${holder.pid}`, kind: 'holds',
        title: `${name(holder.pid)} holds #${buffer.object} by ${holder.references} reference(s)`,
      })),
    ]);

    const rows = Math.max(creators.length, shown.length, holders.length);
    const width = COLUMN_X[2] + NODE_WIDTH;
    const height = TOP + rows * ROW;
    show(this.element,
      largest.total > shown.length
        ? el('p', { class: 'note' }, `the ${shown.length} largest of ${largest.total} buffers`) : null,
      svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'buffer sharing graph' },
        ['created by', 'buffer', 'held by'].map((title, column) =>
          svg('text', { x: COLUMN_X[column], y: 14, class: 'column-title' }, title)),
        edges.map(edge => drawEdge(edge, at.get(edge.from), at.get(edge.to))),
        nodes.map(drawNode)));
  }
}

/** Holder pids ordered by the mean row of the buffers each holds (ties: pid). */
function holderOrder(buffers) {
  const rows = new Map();
  buffers.forEach((buffer, row) => buffer.holders.forEach(holder =>
    rows.set(holder.pid, [...(rows.get(holder.pid) ?? []), row])));
  const mean = pid => rows.get(pid).reduce((sum, row) => sum + row, 0) / rows.get(pid).length;
  return [...rows.keys()].sort((a, b) => mean(a) - mean(b) || a - b);
}

function y(node) {
  return TOP + node.row * ROW;
}

function drawNode(node) {
  const shape = svg('g', { class: `node ${node.kind}`, dataset: { node: node.id } },
    svg('title', {}, node.title ?? node.label),
    svg('rect', { x: COLUMN_X[node.column], y: y(node), width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4 }),
    svg('text', { x: COLUMN_X[node.column] + 8, y: y(node) + 15 }, node.label));
  return node.href ? svg('a', { href: node.href }, shape) : shape;
}

function drawEdge(edge, from, to) {
  const x1 = COLUMN_X[from.column] + NODE_WIDTH;
  const x2 = COLUMN_X[to.column];
  const y1 = y(from) + NODE_HEIGHT / 2;
  const y2 = y(to) + NODE_HEIGHT / 2;
  const bend = (x2 - x1) / 2;
  return svg('path', {
    class: `edge ${edge.kind}`, dataset: { edge: `${edge.from}>${edge.to}` },
    d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
  }, edge.title ? svg('title', {}, edge.title) : null);
}
