// Labelled figures at the top of a page (a <dl> of label/value pairs); each keeps its raw value in data-value.
import { el } from './dom.js';
import { exactBytes, formatBytes } from './format.js';

export function fact(label, key, value, content = String(value)) {
  return el('div', {}, el('dt', {}, label), el('dd', { dataset: { fact: key, value: String(value) } }, content));
}

export function bytesFact(label, key, value) {
  return fact(label, key, value, el('span', { title: exactBytes(value) }, formatBytes(value)));
}
