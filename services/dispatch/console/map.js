// The map, drawn from coordinates alone (no tile server): every hub the centre answers for (those
// with tasks named), the last-seen point and the release rings of the selected task's case (or
// the newest case), the selected task's hub highlighted.

const SVG = 'http://www.w3.org/2000/svg';
const KM_PER_DEG_LAT = 111.32;

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What the board's tasks say about the map: hubs, the last-seen point, the release radii. */
export function mapFeatures(tasks, centreHubs = [], release = null) {
  const hubs = new Map(centreHubs.map((h) => [h.id, { ...h, taskIds: [] }]));
  const radii = new Set();
  let lastSeen = null;
  for (const task of tasks) {
    const d = task.details ?? {};
    if (d.hub) hubs.set(d.hub.id, { ...hubs.get(d.hub.id), ...d.hub, taskIds: [...(hubs.get(d.hub.id)?.taskIds ?? []), task.taskId] });
    if (typeof d.radiusKm === 'number') radii.add(d.radiusKm);
    if (d.area) {
      lastSeen = { lat: d.area.lat, lon: d.area.lon };
      radii.add(d.area.radiusKm);
    }
    if (task.tip)
      hubs.set(`tip-${task.taskId}`, {
        id: `tip-${task.taskId}`,
        name: task.tip.address ?? '',
        lat: task.tip.lat,
        lon: task.tip.lon,
        tip: true,
        taskIds: [task.taskId],
      });
  }
  if (release) {
    lastSeen = { lat: release.lastSeen.lat, lon: release.lastSeen.lon };
    if (typeof release.radiusKm === 'number') radii.add(release.radiusKm);
  }
  return { hubs: [...hubs.values()], lastSeen, radii: [...radii].sort((a, b) => a - b) };
}

export function drawMap(svg, { tasks, hubs: centreHubs, release }, selectedTaskId, words, english) {
  const { hubs, lastSeen, radii } = mapFeatures(tasks, centreHubs, release);
  svg.replaceChildren(el('title', {}, words.map));
  const points = [...hubs, ...(lastSeen ? [lastSeen] : [])];
  if (points.length === 0) return;
  const center = lastSeen ?? {
    lat: points.reduce((s, p) => s + p.lat, 0) / points.length,
    lon: points.reduce((s, p) => s + p.lon, 0) / points.length,
  };
  const kmPerDegLon = KM_PER_DEG_LAT * Math.cos((center.lat * Math.PI) / 180);
  const toKm = (p) => ({ x: (p.lon - center.lon) * kmPerDegLon, y: -(p.lat - center.lat) * KM_PER_DEG_LAT });
  // Scaled to the hubs and the innermost ring, not to the widest: a 500 km ring would shrink a
  // city's hubs to a dot, while the quick search's ring shows where interception must hold.
  const innerRing = lastSeen && radii.length > 0 ? radii[0] : 0;
  const reach = Math.max(5, innerRing, ...points.map((p) => Math.hypot(toKm(p).x, toKm(p).y)));
  const scale = 180 / (reach * 1.1);
  const at = (p) => ({ x: 200 + toKm(p).x * scale, y: 200 + toKm(p).y * scale });
  if (lastSeen) {
    for (const r of radii) {
      svg.append(el('circle', { cx: 200, cy: 200, r: r * scale, class: 'ring' }));
      if (r * scale < 250)
        svg.append(el('text', { x: 200 + r * scale * 0.71 + 2, y: 200 - r * scale * 0.71, class: 'ring-label' }, `${r} ${words.km}`));
    }
    svg.append(el('circle', { cx: 200, cy: 200, r: 6, class: 'last-seen' }));
    if (radii.length > 0) svg.append(el('text', { x: 8, y: 392, class: 'ring-label legend' }, `${words.radius}: ${radii.join(' / ')} ${words.km}`));
  }
  for (const hub of hubs) {
    const { x, y } = at(hub);
    const selected = hub.taskIds.includes(selectedTaskId);
    const tasked = hub.taskIds.length > 0;
    const label = english ? hub.name : (hub.nameZh ?? hub.name);
    const group = el('g', { class: `hub${selected ? ' selected' : ''}${hub.tip ? ' tip' : ''}${tasked ? '' : ' idle'}`, 'data-hub': hub.id });
    group.append(el('title', {}, label));
    group.append(el('circle', { cx: x, cy: y, r: selected ? 9 : tasked ? 6 : 3 }));
    const right = x > 260;
    // Hubs without a task stay unlabelled (their name on hover): a city's hubs would bury the map.
    if (tasked) group.append(el('text', { x: right ? x - 10 : x + 10, y: y + 4, 'text-anchor': right ? 'end' : 'start' }, label));
    svg.append(group);
  }
}
