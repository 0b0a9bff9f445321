// Builds DOM from data. Text always goes in as text, never as HTML: process names come from the hosts.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element: el('td', {class: 'num', dataset: {value: 3}}, 'text', child, [more, children]). */
export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** An SVG element, same arguments as {@link el}. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (value !== undefined && value !== null && value !== false) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...children.flat(Infinity).filter(child => child !== null && child !== undefined));
  return element;
}

/** Replaces what {@code container} shows; nested arrays of children are flattened, nulls left out. */
export function show(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter(child => child !== null && child !== undefined));
}
