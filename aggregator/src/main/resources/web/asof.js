// The instant the host page shows the past of: chosen with the "as of" picker, kept in the address (?at=) so a
// link shows what its sender saw. Without it the page is live.
import { el } from './dom.js';

/** The instant the address names, RFC 3339 in UTC, or null: live. */
export function asOfFromUrl() {
  return parseInstant(new URLSearchParams(location.search).get('at') ?? '');
}

/**
 * An instant as the API's {@code at} takes it (RFC 3339, or milliseconds since the epoch), or a local date and
 * time, in RFC 3339 in UTC; null when the text is none of them.
 */
export function parseInstant(text) {
  const trimmed = text.trim();
  if (trimmed === '') {
    return null;
  }
  const millis = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  return Number.isFinite(millis) && !Number.isNaN(new Date(millis).getTime()) ? new Date(millis).toISOString() : null;
}

/** The address of this page as of {@code at}, or live when it is null; the other parameters stay. */
function addressAsOf(at) {
  const url = new URL(location.href);
  if (at === null) {
    url.searchParams.delete('at');
  } else {
    url.searchParams.set('at', at);
  }
  return url;
}

/**
 * The picker: a text field for the instant, "show" to see the past then, "live" to come back. Either loads the
 * page's new address, which keeps the instant for a reload or a copied link.
 */
export function asOfPicker(at) {
  const input = el('input', {
    id: 'as-of-input', type: 'text', size: 26, value: at ?? '', placeholder: '2026-12-02T03:12:00Z',
    title: 'RFC 3339, milliseconds since the epoch, or a local date and time', 'aria-label': 'as of',
  });
  const problem = el('span', { id: 'as-of-problem', class: 'failed' });
  const form = el('form', {
    id: 'as-of', onsubmit: event => {
      event.preventDefault();
      const chosen = parseInstant(input.value);
      if (chosen === null) {
        problem.textContent = `'${input.value}' is neither an RFC 3339 time, a local date and time nor milliseconds since the epoch`;
        return;
      }
      location.assign(addressAsOf(chosen));
    },
  }, el('label', {}, 'as of ', input), el('button', { id: 'as-of-show', type: 'submit' }, 'show'),
  el('button', { id: 'as-of-live', type: 'button', 'aria-pressed': String(at === null), onclick: () => location.assign(addressAsOf(null)) },
    'live'), problem);
  return form;
}
