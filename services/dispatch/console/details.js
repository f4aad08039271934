// What the page reads beside the feed, over HTTP with the same token: the centre's hubs (once)
// and each case's public release, read again whenever one of the case's tasks changes, so the
// radius shown is the one the release has reached.

export class Details {
  hubs = [];
  releases = new Map();
  #seen = new Map();
  #token;
  #onChange;

  constructor(token, onChange) {
    this.#token = token;
    this.#onChange = onChange;
  }

  async #get(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${this.#token}` } });
    return res.ok ? res.json() : null;
  }

  async loadHubs(centreId) {
    const answer = await this.#get(`/v1/command-centers/${encodeURIComponent(centreId)}/hubs`).catch(() => null);
    if (!answer) return;
    this.hubs = answer.hubs;
    this.#onChange();
  }

  /** The release may reach dispatch after the case's first tasks: asked again a second later. */
  #retry(caseId) {
    this.#seen.delete(caseId);
    setTimeout(() => this.#onChange(), 1000);
  }

  /** Reads the release of every case whose tasks moved since it was last read. */
  follow(board) {
    for (const [caseId, tasks] of board.groups()) {
      const latest = Math.max(...tasks.map((t) => t.position));
      if ((this.#seen.get(caseId) ?? -1) >= latest) continue;
      this.#seen.set(caseId, latest);
      this.#get(`/v1/releases/${encodeURIComponent(caseId)}`)
        .then((release) => {
          if (!release) return this.#retry(caseId);
          this.releases.set(caseId, release);
          this.#onChange();
        })
        .catch(() => this.#retry(caseId));
    }
  }
}

function text(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = content;
  return node;
}

/** The release of a case as its section shows it: only what the public release carries. */
export function releaseCard(release, words) {
  const card = document.createElement('div');
  card.className = 'release';
  if (release.child.photoUrl) {
    const photo = document.createElement('img');
    photo.src = release.child.photoUrl;
    photo.alt = words.photoOf(release.child.name);
    photo.referrerPolicy = 'no-referrer';
    card.append(photo);
  }
  const facts = document.createElement('dl');
  const add = (term, value) => {
    if (value === undefined || value === null || value === '') return;
    facts.append(text('dt', '', term), text('dd', '', String(value)));
  };
  const { child, lastSeen } = release;
  add(
    words.child,
    [child.name, words.sex[child.sex] ?? child.sex, child.ageYears === undefined ? '' : words.age(child.ageYears)].filter(Boolean).join(' · '),
  );
  add(words.description, child.description);
  add(words.lastSeenAt, new Date(lastSeen.at).toLocaleString(words.locale));
  add(words.lastSeenPlace, lastSeen.address ?? `${lastSeen.lat.toFixed(3)}, ${lastSeen.lon.toFixed(3)}`);
  add(words.radius, release.radiusKm === null ? '' : `${release.radiusKm} ${words.km}`);
  if (release.closed) add(words.closed, words.closedReason[release.closed.reason] ?? release.closed.reason);
  card.append(facts);
  return card;
}
