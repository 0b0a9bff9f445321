// The accounting policy the pages show: chosen in the header, kept in the URL (?policy=) so a link shows
// what its sender saw. The policy names come from the aggregator (/api/policies), never from a list kept here.
import { el, show } from './dom.js';

const DEFAULT_POLICY = 'rfc';

// One line each, so a reader can tell the policies apart without the docs; SEMANTICS.md has the rules.
const HINTS = {
  rss: "today's kernel: GEM memory is charged to no one",
  rfc: "the RFC's MM_DRIVERPAGES: full size to the creator while pinned and its mm lives",
  resident: 'like rfc, but only the resident pages',
  proportional: 'resident bytes split evenly over the holders (a PSS for GPU memory)',
  holder: 'every holder charged the whole buffer (per-file OOM badness)',
  freeable: 'what a kill would really free (a USS for GPU memory)',
};

/** The policy the address names, if the aggregator knows it; else the default. */
export function policyFromUrl(names) {
  const named = new URLSearchParams(location.search).get('policy');
  return names.includes(named) ? named : DEFAULT_POLICY;
}

/**
 * Shows one button per policy, built once so a click never lands on a button being replaced. The chosen one
 * is pressed and written into the address, so a reload or a copied link keeps it.
 */
export function showPolicyPicker(container, names, chosen, onChoose) {
  const buttons = names.map(name => el('button', {
    type: 'button', dataset: { policy: name }, title: HINTS[name] ?? name, onclick: () => {
      press(name);
      onChoose(name);
    },
  }, name));
  const press = name => {
    buttons.forEach(button => button.setAttribute('aria-pressed', String(button.dataset.policy === name)));
    const url = new URL(location.href);
    url.searchParams.set('policy', name);
    history.replaceState(null, '', url);
  };
  show(container, buttons);
  press(chosen);
}
