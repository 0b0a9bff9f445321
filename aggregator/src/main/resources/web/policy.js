// The accounting policy the pages show: chosen in the header, kept in the URL (?policy=) so a link shows
// what its sender saw. The policy names come from the API's answers, never from a list kept here.
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

export function policyFromUrl() {
  return new URLSearchParams(location.search).get('policy') ?? DEFAULT_POLICY;
}

/** Buttons, one per policy; the chosen one is pressed. */
export class PolicyPicker {
  constructor(container, onChoose) {
    this.container = container;
    this.onChoose = onChoose;
    this.names = [];
  }

  /** Shows {@code names}; the buttons are built once, so a click never lands on a button being replaced. */
  update(names, chosen) {
    if (names.join() !== this.names.join()) {
      this.names = names;
      show(this.container, names.map(name => el('button', {
        type: 'button', dataset: { policy: name }, title: HINTS[name] ?? name, onclick: () => this.choose(name),
      }, name)));
    }
    for (const button of this.container.children) {
      button.setAttribute('aria-pressed', String(button.dataset.policy === chosen));
    }
  }

  choose(name) {
    const url = new URL(location.href);
    url.searchParams.set('policy', name);
    history.replaceState(null, '', url);
    this.onChoose(name);
  }
}
