'use strict';

// Browser side of `flowtel console`: a service map of edges between workloads and a list of
// anomalies, both read from the console's JSON API at the same origin.
(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const LIVE_REFRESH_MS = 2000;
  const REFRESH_MS = 10000;
  // The server already trims to what fits the screen; this only caps what we are willing to draw.
  const MAP_EDGE_LIMIT = 300;
  const ANOMALY_LIMIT = 200;
  const TYPING_DELAY_MS = 400;
  const EXTERNAL_BOX = 'external';
  const SEVERITY_RANK = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
  // Offered in the type filter before any anomaly of that type was seen, so the filter is usable
  // on a quiet cluster; types the server adds later join the list as they appear.
  const KNOWN_ANOMALY_TYPES = ['POLICY_VIOLATION', 'DENIED_SPIKE', 'NEW_EDGE', 'VOLUME_ANOMALY',
    'PORT_SCAN', 'IP_SWEEP', 'EXTERNAL_EGRESS'];

  // Map geometry, in SVG user units. The SVG scales to the pane, so these are proportions.
  const SLOT_W = 56;
  const SLOT_H = 32;
  const NODE_Y = 12;
  const BOX_PAD = 8;
  const BOX_HEAD = 18;
  const BOX_GAP = 8;
  const MARGIN = 4;
  // Spare slots per namespace box, so workloads appearing between refreshes find a free place
  // instead of forcing a new layout that would move everything.
  const HEADROOM = 0.2;
  const PARALLEL_EDGE_GAP = 3.5;

  const $ = id => document.getElementById(id);
  const ui = {
    range: $('range'),
    metric: $('metric'),
    namespacePicker: $('namespace-filter'),
    namespaceOptions: $('namespace-options'),
    namespaceSummary: $('namespace-summary'),
    namespaceClear: $('namespace-clear'),
    workload: $('workload-filter'),
    port: $('port-filter'),
    verdict: $('verdict-filter'),
    filters: $('filters'),
    status: $('status'),
    sources: $('sources'),
    tabMap: $('tab-map'),
    tabAnomalies: $('tab-anomalies'),
    viewMap: $('view-map'),
    viewAnomalies: $('view-anomalies'),
    legendMetric: $('legend-metric'),
    mapArea: $('map-area'),
    mapPane: $('map-pane'),
    map: $('service-map'),
    edgeDetail: $('edge-detail'),
    anomalyType: $('anomaly-type-filter'),
    anomalySeverity: $('anomaly-severity-filter'),
    anomalyCounts: $('anomaly-counts'),
    anomalyList: $('anomaly-list'),
  };

  const state = {
    view: 'map',
    overview: null,
    map: null,
    mapUpdated: null,
    // Set when the user narrows the map: the old layout was planned for other workloads.
    layoutStale: false,
    anomalies: null,
    anomaliesUpdated: null,
    error: null,
    selectedEdgeId: null,
    edgeDetail: null,
    edgeDetailError: null,
    focusNodeId: null,
    expandedAnomalies: new Set(),
    anomalyTypes: new Set(KNOWN_ANOMALY_TYPES),
  };

  // ---------------------------------------------------------------- DOM and formatting helpers

  // Every server string reaches the page through textContent or an attribute, never as markup.
  function build(node, attrs, children) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const el = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
  const svg = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

  const pad2 = n => String(n).padStart(2, '0');

  // Windows are UTC on the server; showing UTC keeps them comparable with Elasticsearch and logs.
  function formatTime(iso, withDate = true) {
    if (!iso) return '—';
    const d = iso instanceof Date ? iso : new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
    return withDate ? `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${time}` : time;
  }

  function formatBytes(n) {
    if (!Number.isFinite(n)) return '—';
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let value = n;
    let unit = 0;
    while (Math.abs(value) >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
  }

  // One formatter for all: toLocaleString builds a new one per call, which dominated a refresh.
  const countFormat = new Intl.NumberFormat('en-US');
  const formatCount = n => (Number.isFinite(n) ? countFormat.format(n) : '—');
  const formatMetric = (metric, n) => (metric === 'bytes' ? formatBytes(n) : formatCount(n));

  function formatMicros(us) {
    if (!Number.isFinite(us)) return '—';
    return us >= 1000 ? `${(us / 1000).toFixed(us >= 100000 ? 0 : 2)} ms` : `${Math.round(us)} µs`;
  }

  function formatMeasurement(value) {
    if (typeof value !== 'number') return value === null || value === undefined ? '—' : String(value);
    return Number.isInteger(value) ? formatCount(value) : String(Number(value.toPrecision(4)));
  }

  const truncate = (text, max) => (text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text);

  function debounce(fn, ms) {
    let timer = 0;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  // Makes `container`'s children after `after` the elements for `items`, in order: an item's
  // element is looked up in `cache` by key and reused, created when new, and removed when its
  // item is gone.
  function reconcile(container, cache, items, keyOf, create, update, after = null) {
    const wanted = new Set();
    let previous = after;
    for (const item of items) {
      const key = keyOf(item);
      // A key the server sent twice is drawn once, so counts match what is on screen.
      if (wanted.has(key)) continue;
      wanted.add(key);
      let element = cache.get(key);
      if (!element) {
        element = create(item);
        cache.set(key, element);
      }
      update(element, item);
      const slot = previous ? previous.nextSibling : container.firstChild;
      if (element !== slot) container.insertBefore(element, slot);
      previous = element;
    }
    for (const [key, element] of cache) {
      if (!wanted.has(key)) {
        element.remove();
        cache.delete(key);
      }
    }
  }

  // ---------------------------------------------------------------- API

  async function getJson(path, params, signal) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== '' && value !== null && value !== undefined) query.set(key, value);
    }
    const url = query.toString() ? `${path}?${query}` : path;
    const response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      if (signal && signal.aborted) throw e;
      // A proxy or a crashed handler may answer with HTML; the status code is all we have then.
    }
    if (!response.ok) {
      const reason = body && typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      throw new Error(`${path}: ${reason}`);
    }
    if (body === null || typeof body !== 'object') throw new Error(`${path}: the answer is not JSON`);
    return body;
  }

  function selectedNamespaces() {
    return [...ui.namespaceOptions.querySelectorAll('input:checked')].map(input => input.value);
  }

  function validPort() {
    const port = Number(ui.port.value);
    return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : '';
  }

  function mapQuery() {
    return {
      range: ui.range.value,
      metric: ui.metric.value,
      namespace: selectedNamespaces().join(','),
      workload: ui.workload.value.trim(),
      port: validPort(),
      verdict: ui.verdict.value,
      limit: MAP_EDGE_LIMIT,
    };
  }

  // ---------------------------------------------------------------- refresh loop

  let refreshTimer = 0;
  let refreshController = null;
  let detailController = null;

  function refreshInterval() {
    return ui.range.value === 'live' ? LIVE_REFRESH_MS : REFRESH_MS;
  }

  async function refresh() {
    clearTimeout(refreshTimer);
    if (refreshController) refreshController.abort();
    const controller = new AbortController();
    refreshController = controller;
    const { signal } = controller;

    const tasks = [loadOverview(signal)];
    if (state.view === 'map') {
      tasks.push(loadMap(signal));
      if (state.selectedEdgeId) loadEdgeDetail();
    } else {
      tasks.push(loadAnomalies(signal));
    }
    const results = await Promise.allSettled(tasks);
    // A newer refresh (a filter change) owns the status line and the timer now.
    if (signal.aborted) return;
    refreshController = null;
    const failed = results.find(result => result.status === 'rejected');
    state.error = failed ? (failed.reason && failed.reason.message) || String(failed.reason) : null;
    renderStatus();
    if (!document.hidden) refreshTimer = setTimeout(refresh, refreshInterval());
  }

  async function loadOverview(signal) {
    const overview = await getJson('/api/overview', null, signal);
    state.overview = overview;
    renderOverview();
  }

  async function loadMap(signal) {
    const data = await getJson('/api/map', mapQuery(), signal);
    state.map = {
      ...data,
      nodes: Array.isArray(data.nodes) ? data.nodes : [],
      edges: Array.isArray(data.edges) ? data.edges : [],
    };
    state.mapUpdated = new Date();
    renderMap();
  }

  async function loadAnomalies(signal) {
    const data = await getJson('/api/anomalies', {
      range: ui.range.value,
      type: ui.anomalyType.value,
      severity: ui.anomalySeverity.value,
      limit: ANOMALY_LIMIT,
    }, signal);
    state.anomalies = {
      ...data,
      anomalies: Array.isArray(data.anomalies) ? data.anomalies : [],
      countsByType: data.countsByType && typeof data.countsByType === 'object' ? data.countsByType : {},
    };
    state.anomaliesUpdated = new Date();
    renderAnomalies();
  }

  // Runs beside the map refresh rather than inside it: a slow or failing edge must not hold back
  // the map, and its error belongs in the panel, not in the status line.
  async function loadEdgeDetail() {
    const edgeId = state.selectedEdgeId;
    if (!edgeId) return;
    if (detailController) detailController.abort();
    const controller = new AbortController();
    detailController = controller;
    try {
      const detail = await getJson('/api/edge', { id: edgeId, range: ui.range.value }, controller.signal);
      if (edgeId !== state.selectedEdgeId) return;
      state.edgeDetail = detail;
      state.edgeDetailError = null;
    } catch (e) {
      if (controller.signal.aborted) return;
      state.edgeDetailError = e.message;
    }
    renderEdgeDetail();
  }

  function renderStatus() {
    const parts = [];
    if (state.view === 'map' && state.map) {
      parts.push(`Updated ${formatTime(state.mapUpdated, false)}`);
      const shown = state.map.shownEdges ?? state.map.edges.length;
      const total = state.map.totalEdges ?? shown;
      parts.push(`${formatCount(shown)} of ${formatCount(total)} edges shown`);
    } else if (state.view === 'anomalies' && state.anomalies) {
      parts.push(`Updated ${formatTime(state.anomaliesUpdated, false)}`);
      const shown = state.anomalies.anomalies.length;
      parts.push(`${formatCount(shown)} of ${formatCount(state.anomalies.total ?? shown)} anomalies`);
    }
    if (state.overview && state.overview.newestWindow) {
      parts.push(`newest window ${formatTime(state.overview.newestWindow)}`);
    } else if (state.overview) {
      parts.push('no windows stored yet');
    }
    const line = parts.join(' · ');
    if (state.error) {
      ui.status.textContent = line ? `Error: ${state.error} (showing the last good data) · ${line}` : `Error: ${state.error}`;
      ui.status.classList.add('error');
    } else {
      ui.status.textContent = line || 'Loading…';
      ui.status.classList.remove('error');
    }
  }

  // ---------------------------------------------------------------- overview: sources, namespaces, ranges

  function renderOverview() {
    const overview = state.overview;
    const sources = overview.sources || {};
    const sourceParts = [];
    if (sources.elasticsearch) sourceParts.push(`Elasticsearch ${sources.elasticsearch}`);
    sourceParts.push(sources.kafka ? `Kafka ${sources.kafka}` : 'no Kafka (live from stored windows)');
    ui.sources.textContent = sourceParts.join(' · ');

    if (Array.isArray(overview.ranges) && overview.ranges.length) {
      const current = [...ui.range.options].map(option => option.value).join();
      if (current !== overview.ranges.join()) {
        const chosen = ui.range.value;
        ui.range.replaceChildren(...overview.ranges.map(name => el('option', { value: name, text: name })));
        ui.range.value = overview.ranges.includes(chosen) ? chosen : overview.ranges[0];
      }
    }

    // Keep namespaces the user ticked even if the server stopped listing them, so a tick never
    // silently disappears while its filter is still applied.
    const checked = new Set(selectedNamespaces());
    const names = [...new Set([...(overview.namespaces || []), ...checked])].sort();
    const shown = [...ui.namespaceOptions.querySelectorAll('input')].map(input => input.value);
    if (shown.join('\n') !== names.join('\n')) {
      ui.namespaceOptions.replaceChildren(...names.map(name => el('label', { class: 'namespace-option' },
        el('input', { type: 'checkbox', value: name, checked: checked.has(name) }),
        el('span', { text: name }))));
    }
    renderNamespaceSummary();
  }

  function renderNamespaceSummary() {
    const names = selectedNamespaces();
    ui.namespaceSummary.textContent = names.length === 0 ? 'all'
      : names.length <= 2 ? names.join(', ') : `${names.length} selected`;
  }

  // ---------------------------------------------------------------- map layout
  //
  // Namespaces are boxes packed in shelves (rows) in name order, externals last; workloads take
  // slots inside their box. Slots are sticky: a workload keeps its slot across refreshes, and a
  // new one takes the lowest slot not held by a workload on screen. The layout is planned again
  // only when the user narrows the map, the pane is resized, or a box runs out of slots.

  let layout = null;

  function boxKeyOf(node) {
    return node.external || !node.namespace || node.namespace === EXTERNAL_BOX ? EXTERNAL_BOX : node.namespace;
  }

  function compareBoxKeys(a, b) {
    if (a === EXTERNAL_BOX || b === EXTERNAL_BOX) return (a === EXTERNAL_BOX) - (b === EXTERNAL_BOX);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function compareWorkloads(a, b) {
    return (a.name || '').localeCompare(b.name || '') || a.id.localeCompare(b.id);
  }

  function groupByBox(nodes) {
    const groups = new Map();
    for (const node of nodes) {
      const key = boxKeyOf(node);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(node);
    }
    for (const workloads of groups.values()) workloads.sort(compareWorkloads);
    return groups;
  }

  const slotsWanted = count => Math.max(2, count + Math.ceil(count * HEADROOM));

  function sizeBox(key, count, targetRows, width) {
    const maxCols = Math.max(2, Math.floor((width - 2 * BOX_PAD) / SLOT_W));
    const slots = slotsWanted(count);
    const cols = Math.min(maxCols, Math.max(2, Math.ceil(slots / targetRows)));
    const rows = Math.ceil(slots / cols);
    return { key, cols, rows, w: cols * SLOT_W + 2 * BOX_PAD, h: BOX_HEAD + rows * SLOT_H + BOX_PAD / 2 };
  }

  function shelve(boxes, width) {
    const shelves = [];
    let shelf = null;
    for (const box of boxes) {
      if (!shelf || shelf.used + BOX_GAP + box.w > width) {
        shelf = { boxes: [], used: -BOX_GAP, h: 0 };
        shelves.push(shelf);
      }
      shelf.boxes.push(box);
      shelf.used += BOX_GAP + box.w;
      shelf.h = Math.max(shelf.h, box.h);
    }
    const height = shelves.reduce((sum, s) => sum + s.h, 0) + BOX_GAP * Math.max(0, shelves.length - 1);
    const usedWidth = Math.max(0, ...shelves.map(s => s.used));
    return { shelves, height, usedWidth };
  }

  // Tries every shelf height. When several fit the pane, the most compact wins (boxes in a shelf
  // share its height, so uneven shelves waste area), nudged towards the pane's proportions so a
  // small map is not a thin strip; when none fits, the shortest wins, to scroll least.
  function planLayout(groups, width, paneHeight) {
    const keys = [...groups.keys()].sort(compareBoxKeys);
    const largest = Math.max(1, ...keys.map(key => slotsWanted(groups.get(key).length)));
    const paneAspect = width / Math.max(200, paneHeight);
    // Flat boxes put workloads in a line, where the edges between them lie on top of each other.
    let minRows = 1;
    while (Math.ceil(largest / minRows) * SLOT_W > 3 * minRows * SLOT_H) minRows++;
    let best = null;
    for (let targetRows = minRows; targetRows <= Math.max(minRows, Math.min(largest, 40)); targetRows++) {
      const boxes = keys.map(key => sizeBox(key, groups.get(key).length, targetRows, width));
      const packed = shelve(boxes, width);
      const fits = packed.height <= paneHeight;
      const aspect = packed.usedWidth / Math.max(1, packed.height);
      const score = fits
        ? packed.usedWidth * packed.height * (1 + 0.15 * Math.abs(Math.log(aspect / paneAspect)))
        : packed.height;
      if (!best || (fits && !best.fits) || (fits === best.fits && score < best.score)) {
        best = { targetRows, packed, fits, score };
      }
    }

    const plan = { width, targetRows: best.targetRows, boxes: new Map(), height: 0, lastShelf: null };
    let y = 0;
    best.packed.shelves.forEach((shelf, index) => {
      // Full shelves are justified to the pane width so the map reads as one block; the last
      // shelf keeps its natural width.
      const last = index === best.packed.shelves.length - 1;
      const spare = last ? 0 : (width - shelf.used) / shelf.boxes.length;
      let x = 0;
      for (const box of shelf.boxes) {
        placeBox(plan, box, x, y, box.w + spare, shelf.h);
        x += box.w + spare + BOX_GAP;
      }
      plan.lastShelf = { y, h: shelf.h, used: x - BOX_GAP };
      y += shelf.h + BOX_GAP;
    });
    plan.height = Math.max(y - BOX_GAP, 0);
    return plan;
  }

  function placeBox(plan, box, x, y, w, h) {
    const rows = Math.max(box.rows, Math.floor((h - BOX_HEAD - BOX_PAD / 2) / SLOT_H));
    plan.boxes.set(box.key, {
      key: box.key, x, y, w, h, cols: box.cols, rows,
      capacity: box.cols * rows,
      slotW: (w - 2 * BOX_PAD) / box.cols,
      slotOwner: [],
      slotOf: new Map(),
    });
  }

  // A namespace that appears between refreshes goes after the others, so nothing already on
  // screen moves.
  function appendBox(plan, key, count) {
    const box = sizeBox(key, count, plan.targetRows, plan.width);
    const shelf = plan.lastShelf;
    if (shelf && shelf.used + BOX_GAP + box.w <= plan.width && box.h <= shelf.h) {
      placeBox(plan, box, shelf.used + BOX_GAP, shelf.y, box.w, shelf.h);
      shelf.used += BOX_GAP + box.w;
    } else {
      const y = shelf ? shelf.y + shelf.h + BOX_GAP : 0;
      placeBox(plan, box, 0, y, box.w, box.h);
      plan.lastShelf = { y, h: box.h, used: box.w };
      plan.height = y + box.h;
    }
  }

  function assignSlots(box, workloads) {
    const onScreen = new Set(workloads.map(node => node.id));
    let free = 0;
    for (const node of workloads) {
      if (box.slotOf.has(node.id)) continue;
      while (free < box.capacity && onScreen.has(box.slotOwner[free])) free++;
      const previousOwner = box.slotOwner[free];
      if (previousOwner !== undefined) box.slotOf.delete(previousOwner);
      box.slotOwner[free] = node.id;
      box.slotOf.set(node.id, free);
    }
  }

  function slotPosition(box, slot) {
    const col = slot % box.cols;
    const row = Math.floor(slot / box.cols);
    return {
      x: box.x + BOX_PAD + (col + 0.5) * box.slotW,
      y: box.y + BOX_HEAD + row * SLOT_H + NODE_Y,
    };
  }

  // Planned against the whole map area, not the pane: opening the edge panel narrows the pane,
  // and the SVG then scales down instead of moving every workload.
  function mapAreaContentBox() {
    const style = getComputedStyle(ui.mapArea);
    const paneBorder = 2 * ui.mapPane.clientLeft;
    return {
      width: ui.mapArea.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - paneBorder,
      height: ui.mapArea.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - paneBorder,
    };
  }

  function layoutWidth() {
    return Math.max(320, mapAreaContentBox().width - 2 * MARGIN);
  }

  function placeWorkloads(nodes) {
    const groups = groupByBox(nodes);
    const width = layoutWidth();
    const overflowing = layout && [...groups].some(([key, workloads]) =>
      layout.boxes.has(key) && workloads.length > layout.boxes.get(key).capacity);
    // A few pixels of width (a scrollbar coming and going) are not worth moving every workload.
    const resized = layout && Math.abs(layout.width - width) > 24;
    if (!layout || state.layoutStale || overflowing || resized) {
      layout = planLayout(groups, width, mapAreaContentBox().height - 2 * MARGIN);
      state.layoutStale = false;
    }
    for (const key of [...groups.keys()].sort(compareBoxKeys)) {
      if (!layout.boxes.has(key)) appendBox(layout, key, groups.get(key).length);
    }
    const positions = new Map();
    for (const [key, workloads] of groups) {
      const box = layout.boxes.get(key);
      assignSlots(box, workloads);
      for (const node of workloads) positions.set(node.id, slotPosition(box, box.slotOf.get(node.id)));
    }
    return { groups, positions };
  }

  // ---------------------------------------------------------------- map drawing

  // Ids look like "namespace/Kind/name"; used when an edge names a workload the node list lacks.
  function workloadFromId(id) {
    const [namespace = '', kind = '', ...rest] = String(id).split('/');
    const external = rest.length === 0 || namespace === '' || namespace === EXTERNAL_BOX;
    return {
      id, namespace, kind: rest.length ? kind : 'External', name: rest.length ? rest.join('/') : String(id),
      external, bytes: 0, flows: 0,
    };
  }

  const logScale = (value, max) => (max > 0 ? Math.log1p(Math.max(0, value || 0)) / Math.log1p(max) : 0);

  const markerDefs = svg('defs', null,
    ['allowed', 'denied', 'violation'].map(verdict => svg('marker', {
      id: `arrow-${verdict}`, class: `arrow ${verdict}`, viewBox: '0 0 8 8', refX: 7, refY: 4,
      markerWidth: 7, markerHeight: 7, markerUnits: 'userSpaceOnUse', orient: 'auto',
    }, svg('path', { d: 'M0,0 L8,4 L0,8 z' }))));

  function verdictOf(edge) {
    return ['allowed', 'denied', 'violation'].includes(edge.verdict) ? edge.verdict : 'allowed';
  }

  // Violations and anomalous edges are drawn last so nothing hides them.
  function drawOrder(edge) {
    return { allowed: 0, denied: 1, violation: 2 }[verdictOf(edge)] + (edge.openAnomalies > 0 ? 3 : 0);
  }

  // Edges sharing two workloads fan out side by side instead of overlapping; the offset is
  // measured against one fixed direction so A->B and B->A land on opposite sides.
  function parallelOffsets(edges) {
    const pairs = new Map();
    for (const edge of edges) {
      const key = edge.source < edge.target ? `${edge.source}\n${edge.target}` : `${edge.target}\n${edge.source}`;
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push(edge);
    }
    const offsets = new Map();
    for (const group of pairs.values()) {
      group.sort((a, b) => String(a.id).localeCompare(String(b.id)));
      group.forEach((edge, index) => {
        const offset = (index - (group.length - 1) / 2) * PARALLEL_EDGE_GAP;
        offsets.set(edge.id, edge.source < edge.target ? offset : -offset);
      });
    }
    return offsets;
  }

  function edgeGeometry(from, to, offset, sourceRadius, targetRadius) {
    if (from === to) {
      // A workload talking to itself: a small loop above the circle.
      const r = sourceRadius;
      const d = `M${from.x - r * 0.7},${from.y - r * 0.7} C${from.x - r * 3},${from.y - r * 4} ${from.x + r * 3},${from.y - r * 4} ${from.x + r * 0.7},${from.y - r * 0.7}`;
      return { d, mid: { x: from.x, y: from.y - r * 3 } };
    }
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    const ox = -uy * offset;
    const oy = ux * offset;
    const headroom = Math.min(length / 3, targetRadius + 2);
    const x1 = from.x + ox + ux * Math.min(length / 3, sourceRadius);
    const y1 = from.y + oy + uy * Math.min(length / 3, sourceRadius);
    const x2 = to.x + ox - ux * headroom;
    const y2 = to.y + oy - uy * headroom;
    return { d: `M${x1.toFixed(1)},${y1.toFixed(1)} L${x2.toFixed(1)},${y2.toFixed(1)}`, mid: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 } };
  }

  // The map's layers and their elements live as long as what they draw: a workload, an edge or
  // a namespace keeps its element across refreshes, so hover, keyboard focus and references held
  // by a test driver survive, and a refresh only touches attributes.
  const mapLayers = {
    namespaces: svg('g', { class: 'namespaces' }),
    edges: svg('g', { class: 'edges' }),
    nodes: svg('g', { class: 'nodes' }),
  };
  const mapElements = { namespaces: new Map(), edges: new Map(), nodes: new Map() };
  const mapEmpty = svg('text', { class: 'map-empty', y: 40, text: 'No flows match this range and these filters.' });
  ui.map.replaceChildren(markerDefs, mapLayers.namespaces, mapLayers.edges, mapLayers.nodes);

  // Each map element is built once with its parts; a refresh only writes attributes that changed,
  // which keeps a 300-edge refresh cheap enough for the live range's two seconds.
  const mapParts = new WeakMap();

  function update(element, attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      const text = String(value);
      if (name === 'text') {
        if (element.textContent !== text) element.textContent = text;
      } else if (element.getAttribute(name) !== text) {
        element.setAttribute(name, text);
      }
    }
  }

  function createNamespace() {
    const parts = { title: svg('title'), rect: svg('rect', { rx: 5 }), label: svg('text', { class: 'namespace-label' }),
      name: document.createTextNode(''), count: svg('tspan', { class: 'namespace-count' }) };
    parts.label.append(parts.name, parts.count);
    const g = svg('g', null, parts.title, parts.rect, parts.label);
    mapParts.set(g, parts);
    return g;
  }

  function drawNamespace(g, { key, box, count }) {
    const parts = mapParts.get(g);
    update(g, { class: `namespace${key === EXTERNAL_BOX ? ' external' : ''}`, 'data-namespace': key });
    update(parts.title, { text: `${key === EXTERNAL_BOX ? 'External peers' : `Namespace ${key}`}: ${count} workloads` });
    update(parts.rect, { x: box.x, y: box.y, width: box.w, height: box.h });
    update(parts.label, { x: box.x + BOX_PAD, y: box.y + 13 });
    parts.name.data = truncate(key, Math.floor((box.w - 2 * BOX_PAD) / 6.6) - 5);
    update(parts.count, { text: `  ${count}` });
  }

  function createEdge() {
    const parts = { title: svg('title'), hit: svg('path', { class: 'edge-hit' }), line: svg('path', { class: 'edge-line' }),
      badge: svg('g', { class: 'edge-badge' }), badgeCircle: svg('circle', { r: 7 }), badgeText: svg('text') };
    parts.badge.append(parts.badgeCircle, parts.badgeText);
    const g = svg('g', null, parts.title, parts.hit, parts.line);
    mapParts.set(g, parts);
    return g;
  }

  function drawEdge(g, { edge, d, mid, width }) {
    const parts = mapParts.get(g);
    const verdict = verdictOf(edge);
    const anomalies = Number(edge.openAnomalies) || 0;
    const classes = ['edge', verdict];
    if (anomalies > 0) classes.push('anomalous');
    if (edge.id === state.selectedEdgeId) classes.push('selected');
    update(g, {
      class: classes.join(' '),
      'data-edge-id': edge.id,
      'data-edge-name': edge.name || '',
      'data-verdict': verdict,
      'data-open-anomalies': anomalies,
      'data-source': edge.source,
      'data-target': edge.target,
    });
    update(parts.title, { text: `${edge.name || edge.id}\n${verdict} · ${formatBytes(edge.bytes)} · ${formatCount(edge.flows)} flows · ${formatCount(edge.drops)} drops${anomalies ? ` · ${anomalies} open anomalies` : ''}` });
    update(parts.hit, { d });
    update(parts.line, { d, 'stroke-width': width.toFixed(2), 'marker-end': `url(#arrow-${verdict})` });
    if (anomalies > 0) {
      update(parts.badgeCircle, { cx: mid.x.toFixed(1), cy: mid.y.toFixed(1) });
      update(parts.badgeText, { x: mid.x.toFixed(1), y: (mid.y + 3.2).toFixed(1), text: anomalies > 99 ? '99+' : anomalies });
      if (!parts.badge.isConnected) g.append(parts.badge);
    } else {
      parts.badge.remove();
    }
  }

  function createWorkload() {
    // The hit area spans circle and label, so the whole workload (and the middle of its
    // bounding box, where automated clicks land) is clickable.
    const parts = { title: svg('title'), hit: svg('rect', { class: 'node-hit', height: 29 }), circle: svg('circle'), label: svg('text') };
    const g = svg('g', { tabindex: 0 }, parts.title, parts.hit, parts.circle, parts.label);
    mapParts.set(g, parts);
    return g;
  }

  function drawWorkload(g, { node, at, r, slotW }) {
    const parts = mapParts.get(g);
    const label = truncate(node.name || node.id, Math.max(4, Math.floor(slotW / 6)));
    const hitWidth = Math.min(slotW - 2, Math.max(18, label.length * 5.6));
    // A Service and the workload behind it often share a name: the ring tells the Service apart.
    update(g, { class: `node${node.external ? ' external' : ''}${node.kind === 'Service' ? ' service' : ''}`, 'data-node-id': node.id });
    update(parts.title, { text: `${node.id}\n${node.kind || ''} · ${formatBytes(node.bytes)} · ${formatCount(node.flows)} flows` });
    update(parts.hit, { x: (at.x - hitWidth / 2).toFixed(1), y: (at.y - 9).toFixed(1), width: hitWidth.toFixed(1) });
    update(parts.circle, { cx: at.x.toFixed(1), cy: at.y.toFixed(1), r: r.toFixed(2) });
    update(parts.label, { x: at.x.toFixed(1), y: (at.y + 17).toFixed(1), text: label });
  }

  function renderMap() {
    const data = state.map;
    if (!data) return;
    const metric = data.metric === 'flows' ? 'flows' : 'bytes';
    ui.legendMetric.textContent = metric;

    const nodesById = new Map();
    for (const node of data.nodes) if (node && node.id) nodesById.set(node.id, node);
    for (const edge of data.edges) {
      for (const id of [edge.source, edge.target]) if (!nodesById.has(id)) nodesById.set(id, workloadFromId(id));
    }
    const nodes = [...nodesById.values()];
    const { groups, positions } = placeWorkloads(nodes);

    const maxNodeMetric = Math.max(0, ...nodes.map(node => node[metric] || 0));
    const maxEdgeMetric = Math.max(0, ...data.edges.map(edge => edge[metric] || 0));
    const radius = node => 3.5 + 4.5 * logScale(node[metric], maxNodeMetric);

    const boxKeys = [...groups.keys()].sort(compareBoxKeys);
    reconcile(mapLayers.namespaces, mapElements.namespaces,
      boxKeys.map(key => ({ key, box: layout.boxes.get(key), count: groups.get(key).length })),
      item => item.key, createNamespace, drawNamespace);

    const offsets = parallelOffsets(data.edges);
    const edges = [...data.edges].sort((a, b) => drawOrder(a) - drawOrder(b)).map(edge => {
      const anomalies = Number(edge.openAnomalies) || 0;
      const { d, mid } = edgeGeometry(positions.get(edge.source), positions.get(edge.target), offsets.get(edge.id) || 0,
        radius(nodesById.get(edge.source)), radius(nodesById.get(edge.target)));
      return { edge, d, mid, width: 0.8 + 3.7 * logScale(edge[metric], maxEdgeMetric) + (anomalies > 0 ? 1.5 : 0) };
    });
    reconcile(mapLayers.edges, mapElements.edges, edges, item => item.edge.id, createEdge, drawEdge);

    const workloads = boxKeys.flatMap(key => groups.get(key).map(node => ({
      node, at: positions.get(node.id), r: radius(node), slotW: layout.boxes.get(key).slotW,
    })));
    reconcile(mapLayers.nodes, mapElements.nodes, workloads, item => item.node.id, createWorkload, drawWorkload);

    if (nodes.length === 0) {
      mapEmpty.setAttribute('x', layout.width / 2);
      ui.map.append(mapEmpty);
    } else {
      mapEmpty.remove();
    }
    const height = Math.max(layout.height, nodes.length ? 0 : 80);
    ui.map.setAttribute('viewBox', `${-MARGIN} ${-MARGIN} ${layout.width + 2 * MARGIN} ${height + 2 * MARGIN}`);
    ui.map.dataset.edges = String(edges.length);
    ui.map.dataset.nodes = String(workloads.length);
    ui.map.dataset.updated = state.mapUpdated.toISOString();
    applyFocus();
    if (state.selectedEdgeId) renderEdgeDetail();
  }

  function applyFocus() {
    const focus = state.focusNodeId;
    const present = focus && ui.map.querySelector(`.node[data-node-id="${CSS.escape(focus)}"]`);
    ui.map.classList.toggle('focusing', Boolean(present));
    const linkedNodes = new Set();
    for (const edge of ui.map.querySelectorAll('.edge')) {
      const linked = Boolean(present) && (edge.dataset.source === focus || edge.dataset.target === focus);
      edge.classList.toggle('linked', linked);
      if (linked) {
        linkedNodes.add(edge.dataset.source);
        linkedNodes.add(edge.dataset.target);
      }
    }
    for (const node of ui.map.querySelectorAll('.node')) {
      node.classList.toggle('focused', node.dataset.nodeId === focus);
      node.classList.toggle('linked', linkedNodes.has(node.dataset.nodeId));
    }
  }

  function markSelectedEdge() {
    for (const edge of ui.map.querySelectorAll('.edge')) {
      edge.classList.toggle('selected', edge.dataset.edgeId === state.selectedEdgeId);
    }
  }

  function selectEdge(edgeId) {
    if (state.selectedEdgeId !== edgeId) {
      state.selectedEdgeId = edgeId;
      state.edgeDetail = null;
      state.edgeDetailError = null;
    }
    markSelectedEdge();
    renderEdgeDetail();
    if (edgeId) loadEdgeDetail();
  }

  function focusNode(nodeId) {
    state.focusNodeId = state.focusNodeId === nodeId ? null : nodeId;
    applyFocus();
  }

  // ---------------------------------------------------------------- edge detail panel

  function sparkline(series, lines, format, title) {
    const W = 340;
    const H = 74;
    const TOP = 14;
    const points = series.map(point => ({ point, t: Date.parse(point.t) })).filter(p => Number.isFinite(p.t));
    const values = points.flatMap(({ point }) => lines.map(line => point[line.key]).filter(Number.isFinite));
    if (points.length === 0 || values.length === 0) return null;
    const t0 = points[0].t;
    const t1 = points[points.length - 1].t;
    const max = Math.max(...values);
    const x = t => (t1 > t0 ? ((t - t0) / (t1 - t0)) * W : W / 2);
    const y = v => TOP + H - (max > 0 ? (v / max) * H : 0);

    const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${TOP + H + 14}`, role: 'img', 'aria-label': title },
      svg('line', { class: 'chart-axis', x1: 0, y1: TOP + H, x2: W, y2: TOP + H }),
      svg('text', { class: 'chart-label', x: 0, y: 10, text: `${title} · max ${format(max)}` }),
      svg('text', { class: 'chart-label', x: 0, y: TOP + H + 12, text: formatTime(new Date(t0)) }),
      svg('text', { class: 'chart-label end', x: W, y: TOP + H + 12, text: formatTime(new Date(t1)) }));
    for (const line of lines) {
      // A missing sample breaks the line rather than pretending the value was zero.
      let d = '';
      let pen = 'M';
      for (const { point, t } of points) {
        const value = point[line.key];
        if (!Number.isFinite(value)) {
          pen = 'M';
          continue;
        }
        d += `${pen}${x(t).toFixed(1)},${y(value).toFixed(1)} `;
        pen = 'L';
      }
      if (!d) continue;
      if (points.length === 1) {
        chart.append(svg('circle', { class: `chart-dot ${line.cls}`, cx: x(t0), cy: y(points[0].point[line.key] || 0), r: 2.5 }));
      } else {
        chart.append(svg('path', { class: `chart-line ${line.cls}`, d }));
      }
    }
    if (lines.length > 1) {
      let lx = W;
      for (const line of [...lines].reverse()) {
        const text = svg('text', { class: `chart-label end legend-${line.cls}`, x: lx, y: 10, text: line.label });
        chart.append(text);
        lx -= line.label.length * 6 + 10;
      }
    }
    return chart;
  }

  function severityPill(severity) {
    const name = SEVERITY_RANK[severity] === undefined ? 'UNKNOWN' : severity;
    return el('span', { class: `severity severity-${name.toLowerCase()}`, text: severity || '?' });
  }

  function verdictPill(verdict) {
    return el('span', { class: `verdict-pill ${verdict}`, text: verdict === 'violation' ? 'policy violation' : verdict });
  }

  function section(title, ...content) {
    return el('section', { class: 'detail-section' }, el('h3', { text: title }), content);
  }

  function renderEdgeDetail() {
    const panel = ui.edgeDetail;
    const edgeId = state.selectedEdgeId;
    if (!edgeId) {
      panel.hidden = true;
      panel.removeAttribute('data-edge-id');
      panel.replaceChildren();
      return;
    }
    const scrollTop = panel.scrollTop;
    panel.hidden = false;
    panel.dataset.edgeId = edgeId;

    const detail = state.edgeDetail;
    const mapEdge = state.map && state.map.edges.find(edge => edge.id === edgeId);
    const edge = (detail && detail.edge) || mapEdge || { id: edgeId };
    const verdict = verdictOf(edge);
    const metric = ui.metric.value;

    const content = [
      el('div', { class: 'detail-head' },
        el('h2', { text: edge.name || edgeId }),
        el('button', { type: 'button', class: 'close', 'aria-label': 'Close edge details', title: 'Close (Esc)', text: '×', onclick: () => selectEdge(null) })),
      el('div', { class: 'detail-verdict' }, verdictPill(verdict),
        edge.openAnomalies > 0 ? el('span', { class: 'open-count', text: `${edge.openAnomalies} open anomalies` }) : null,
        state.map && !mapEdge ? el('span', { class: 'muted', text: 'not among the edges on the map now' }) : null),
      el('dl', { class: 'stats' },
        el('dt', { text: 'Bytes' }), el('dd', { text: formatBytes(edge.bytes) }),
        el('dt', { text: 'Flows' }), el('dd', { text: formatCount(edge.flows) }),
        el('dt', { text: 'Drops' }), el('dd', { class: edge.drops > 0 ? 'drops' : null, text: formatCount(edge.drops) }),
        el('dt', { text: 'Port' }), el('dd', { text: edge.port ? `${edge.protocol || ''}/${edge.port}` : (edge.protocol || 'any') })),
    ];

    if (state.edgeDetailError) {
      content.push(el('p', { class: 'error', text: `Could not load the edge: ${state.edgeDetailError}` }));
    } else if (!detail) {
      content.push(el('p', { class: 'muted', text: 'Loading the edge…' }));
    } else {
      const series = Array.isArray(detail.series) ? detail.series : [];
      const charts = [
        sparkline(series, [{ key: metric, label: metric, cls: 'metric' }], n => formatMetric(metric, n), metric === 'bytes' ? 'Bytes per window' : 'Flows per window'),
        series.some(point => point.drops > 0) ? sparkline(series, [{ key: 'drops', label: 'drops', cls: 'drops' }], formatCount, 'Drops per window') : null,
        series.some(point => Number.isFinite(point.rttP50Us)) ? sparkline(series, [
          { key: 'rttP50Us', label: 'p50', cls: 'p50' },
          { key: 'rttP90Us', label: 'p90', cls: 'p90' },
          { key: 'rttP99Us', label: 'p99', cls: 'p99' },
        ], formatMicros, 'RTT') : null,
      ].filter(Boolean);
      content.push(section('Over time', charts.length ? charts : el('p', { class: 'muted', text: 'No windows in this range.' })));

      const rtt = detail.rtt;
      content.push(section('Round-trip time', rtt
        ? el('dl', { class: 'stats' },
          el('dt', { text: 'p50' }), el('dd', { text: formatMicros(rtt.p50Us) }),
          el('dt', { text: 'p90' }), el('dd', { text: formatMicros(rtt.p90Us) }),
          el('dt', { text: 'p99' }), el('dd', { text: formatMicros(rtt.p99Us) }))
        : el('p', { class: 'muted', text: 'No RTT measured for this edge (no TCP handshakes seen).' })));

      content.push(section('Policy explanation', detail.explanation
        ? el('pre', { class: 'explanation', text: detail.explanation })
        : el('p', { class: 'muted', text: 'No explanation: no NetworkPolicy judged this edge.' })));

      const anomalies = Array.isArray(detail.anomalies) ? detail.anomalies : [];
      content.push(section(`Anomalies (${anomalies.length})`, anomalies.length
        ? el('ul', { class: 'detail-anomalies' }, anomalies.map(anomaly => el('li', null,
          el('div', null, severityPill(anomaly.severity), ' ', el('span', { class: 'type', text: anomaly.type || '' }),
            anomaly.open === false ? el('span', { class: 'closed-tag', text: 'closed' }) : null),
          el('div', { class: 'summary', text: anomaly.summary || '' }),
          el('div', { class: 'muted times', text: `first ${formatTime(anomaly.firstSeen)} · last ${formatTime(anomaly.lastSeen)}` }))))
        : el('p', { class: 'muted', text: 'None in this range.' })));
    }
    panel.replaceChildren(...content);
    panel.scrollTop = scrollTop;
  }

  // ---------------------------------------------------------------- anomalies view

  function renderAnomalyTypeOptions() {
    const chosen = ui.anomalyType.value;
    const types = [...state.anomalyTypes].sort();
    const shown = [...ui.anomalyType.options].slice(1).map(option => option.value);
    if (shown.join() === types.join()) return;
    ui.anomalyType.replaceChildren(el('option', { value: '', text: 'any' }),
      ...types.map(type => el('option', { value: type, text: type })));
    ui.anomalyType.value = chosen;
  }

  const newestFirst = (a, b) => String(b.lastSeen || '').localeCompare(String(a.lastSeen || ''))
    || String(b.firstSeen || '').localeCompare(String(a.firstSeen || ''))
    || String(a.id).localeCompare(String(b.id));

  function definitionList(values) {
    const entries = Object.entries(values || {});
    if (entries.length === 0) return el('p', { class: 'muted', text: 'none' });
    return el('dl', { class: 'stats' }, entries.map(([key, value]) =>
      [el('dt', { text: key }), el('dd', { text: formatMeasurement(value) })]));
  }

  const SAMPLE_FLOW_COLUMNS = ['source_ip', 'source_port', 'destination_ip', 'destination_port', 'transport', 'flow_end'];

  function sampleFlowTable(flows) {
    // Columns the server adds later still show, after the ones we know.
    const columns = [...SAMPLE_FLOW_COLUMNS.filter(column => flows.some(flow => column in flow)),
      ...[...new Set(flows.flatMap(flow => Object.keys(flow)))].filter(column => !SAMPLE_FLOW_COLUMNS.includes(column))];
    return el('table', { class: 'sample-flows' },
      el('thead', null, el('tr', null, columns.map(column => el('th', { text: column.replace(/_/g, ' ') })))),
      el('tbody', null, flows.map(flow => el('tr', null, columns.map(column => {
        const value = flow[column];
        const text = value === null || value === undefined ? '' : column === 'flow_end' ? formatTime(value)
          : typeof value === 'object' ? JSON.stringify(value) : String(value);
        return el('td', { text });
      })))));
  }

  function evidenceContent(anomaly) {
    const evidence = anomaly.evidence || {};
    const flows = Array.isArray(evidence.sampleFlows) ? evidence.sampleFlows : [];
    return [
      el('div', { class: 'evidence-grid' },
        el('div', null, el('h4', { text: 'Counters' }), definitionList(evidence.counters)),
        el('div', null, el('h4', { text: 'Measurements' }), definitionList(evidence.measurements)),
        el('div', null, el('h4', { text: 'Anomaly' }), el('dl', { class: 'stats' },
          el('dt', { text: 'id' }), el('dd', { class: 'mono', text: anomaly.id }),
          el('dt', { text: 'source' }), el('dd', { text: anomaly.source || '—' }),
          el('dt', { text: 'destination' }), el('dd', { text: anomaly.destination || '—' })),
        anomaly.edgeId ? el('button', { type: 'button', class: 'link-button show-edge', 'data-edge-id': anomaly.edgeId, text: 'Show this edge on the map' }) : null)),
      el('h4', { text: `Sample flows (${flows.length})` }),
      flows.length ? sampleFlowTable(flows) : el('p', { class: 'muted', text: 'none kept' }),
      evidence.policyExplanation ? [el('h4', { text: 'Policy explanation' }), el('pre', { class: 'explanation', text: evidence.policyExplanation })] : null,
    ].flat().filter(Boolean);
  }

  function endpointText(anomaly) {
    const peers = [anomaly.source, anomaly.destination].filter(Boolean).join(' → ');
    const port = anomaly.port ? ` ${anomaly.protocol || ''}/${anomaly.port}` : '';
    return `${peers}${port}`.trim();
  }

  function renderAnomalies() {
    const data = state.anomalies;
    if (!data) return;
    for (const type of Object.keys(data.countsByType)) state.anomalyTypes.add(type);
    for (const anomaly of data.anomalies) if (anomaly.type) state.anomalyTypes.add(anomaly.type);
    renderAnomalyTypeOptions();

    const chosenType = ui.anomalyType.value;
    const counts = Object.entries(data.countsByType).sort(([a], [b]) => a.localeCompare(b));
    ui.anomalyCounts.replaceChildren(...counts.map(([type, count]) => el('button', {
      type: 'button',
      class: `type-count${type === chosenType ? ' active' : ''}`,
      'data-type': type,
      title: type === chosenType ? 'Show all types' : `Show only ${type}`,
    }, el('span', { class: 'type', text: type }), el('span', { class: 'count', text: formatCount(count) }))));
    if (counts.length === 0) ui.anomalyCounts.append(el('span', { class: 'muted', text: 'No anomalies in this range.' }));

    const anomalies = [...data.anomalies].sort(newestFirst);
    reconcile(ui.anomalyList, anomalyRows, anomalies, anomaly => anomaly.id,
      () => el('div', null, el('div', { class: 'anomaly-row', role: 'button', tabindex: 0 })),
      drawAnomaly, anomalyHeader);
    anomalyEmpty.hidden = anomalies.length > 0;
    ui.anomalyList.append(anomalyEmpty);
    ui.anomalyList.dataset.count = String(anomalyRows.size);
  }

  // Rows persist like the map's elements; a row is redrawn only when its anomaly changed (a new
  // revision), so an open evidence block is not rebuilt under the reader every refresh.
  const anomalyRows = new Map();
  const drawnAnomaly = new WeakMap();
  const anomalyHeader = el('div', { class: 'anomaly-header' },
    ['Severity', 'Type', 'Summary', 'Edge', 'First seen', 'Last seen', 'Rev.', 'State'].map(text => el('span', { text })));
  const anomalyEmpty = el('p', { class: 'muted empty', text: 'No anomalies match this range and these filters.' });
  ui.anomalyList.replaceChildren(anomalyHeader);

  function drawAnomaly(element, anomaly) {
    const expanded = state.expandedAnomalies.has(anomaly.id);
    const openness = anomaly.open === false ? 'closed' : 'open';
    build(element, {
      class: `anomaly ${openness}${expanded ? ' expanded' : ''}`,
      'data-anomaly-id': anomaly.id,
      'data-type': anomaly.type || '',
      'data-severity': anomaly.severity || '',
    }, []);
    const row = element.firstChild;
    row.setAttribute('aria-expanded', String(expanded));
    const signature = JSON.stringify(anomaly);
    const changed = drawnAnomaly.get(element) !== signature;
    drawnAnomaly.set(element, signature);
    if (changed) {
      row.replaceChildren(
        el('span', null, severityPill(anomaly.severity)),
        el('span', { class: 'type', text: anomaly.type || '' }),
        el('span', { class: 'summary', text: anomaly.summary || '' }),
        el('span', { class: 'endpoints', title: endpointText(anomaly), text: endpointText(anomaly) || '—' }),
        el('span', { class: 'time', title: anomaly.firstSeen || '', text: formatTime(anomaly.firstSeen) }),
        el('span', { class: 'time', title: anomaly.lastSeen || '', text: formatTime(anomaly.lastSeen) }),
        el('span', { class: 'revision', text: anomaly.revision ?? '' }),
        el('span', { class: `state ${openness}`, text: openness }));
    }
    const evidence = row.nextElementSibling;
    if (!expanded) {
      if (evidence) evidence.remove();
    } else if (!evidence) {
      element.append(el('div', { class: 'evidence' }, evidenceContent(anomaly)));
    } else if (changed) {
      evidence.replaceChildren(...evidenceContent(anomaly));
    }
  }

  function toggleAnomaly(element) {
    const id = element.dataset.anomalyId;
    if (state.expandedAnomalies.has(id)) state.expandedAnomalies.delete(id);
    else state.expandedAnomalies.add(id);
    renderAnomalies();
  }

  // ---------------------------------------------------------------- views and controls

  function setView(view) {
    state.view = view;
    const onMap = view === 'map';
    ui.tabMap.setAttribute('aria-selected', String(onMap));
    ui.tabAnomalies.setAttribute('aria-selected', String(!onMap));
    ui.viewMap.hidden = !onMap;
    ui.viewAnomalies.hidden = onMap;
    document.body.dataset.view = view;
    renderStatus();
    refresh();
  }

  // Narrowing filters change which workloads exist, so the map is planned again for them; the
  // range and metric keep the layout, only the numbers change.
  function onNarrowingFilter() {
    state.layoutStale = true;
    refresh();
  }
  const onTypedFilter = debounce(onNarrowingFilter, TYPING_DELAY_MS);

  ui.filters.addEventListener('submit', event => event.preventDefault());
  ui.range.addEventListener('change', () => refresh());
  ui.metric.addEventListener('change', () => refresh());
  ui.verdict.addEventListener('change', onNarrowingFilter);
  ui.workload.addEventListener('input', onTypedFilter);
  ui.port.addEventListener('input', () => {
    if (ui.port.value === '' || validPort() !== '') onTypedFilter();
  });
  ui.namespaceOptions.addEventListener('change', () => {
    renderNamespaceSummary();
    onNarrowingFilter();
  });
  ui.namespaceClear.addEventListener('click', () => {
    for (const input of ui.namespaceOptions.querySelectorAll('input:checked')) input.checked = false;
    renderNamespaceSummary();
    onNarrowingFilter();
  });
  document.addEventListener('click', event => {
    if (ui.namespacePicker.open && !ui.namespacePicker.contains(event.target)) ui.namespacePicker.open = false;
  });

  ui.tabMap.addEventListener('click', () => setView('map'));
  ui.tabAnomalies.addEventListener('click', () => setView('anomalies'));
  ui.anomalyType.addEventListener('change', () => refresh());
  ui.anomalySeverity.addEventListener('change', () => refresh());

  ui.map.addEventListener('click', event => {
    const edge = event.target.closest('.edge');
    const node = event.target.closest('.node');
    if (node) focusNode(node.dataset.nodeId);
    else if (edge) selectEdge(edge.dataset.edgeId);
    else if (state.focusNodeId) focusNode(state.focusNodeId);
  });
  ui.map.addEventListener('keydown', event => {
    const node = event.target.closest && event.target.closest('.node');
    if (node && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      focusNode(node.dataset.nodeId);
    }
  });

  ui.anomalyCounts.addEventListener('click', event => {
    const chip = event.target.closest('.type-count');
    if (!chip) return;
    ui.anomalyType.value = ui.anomalyType.value === chip.dataset.type ? '' : chip.dataset.type;
    refresh();
  });
  ui.anomalyList.addEventListener('click', event => {
    const showEdge = event.target.closest('.show-edge');
    if (showEdge) {
      selectEdge(showEdge.dataset.edgeId);
      setView('map');
      return;
    }
    const row = event.target.closest('.anomaly-row');
    // Clicks inside the evidence select text; only the summary row toggles.
    if (row) toggleAnomaly(row.parentElement);
  });
  ui.anomalyList.addEventListener('keydown', event => {
    const row = event.target.closest('.anomaly-row');
    if (row && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      toggleAnomaly(row.parentElement);
    }
  });

  document.addEventListener('keydown', event => {
    if (event.key !== 'Escape') return;
    if (ui.namespacePicker.open) ui.namespacePicker.open = false;
    else if (state.selectedEdgeId) selectEdge(null);
    else if (state.focusNodeId) focusNode(state.focusNodeId);
  });

  // A background tab does not poll; it catches up as soon as it is looked at again.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });

  // A hidden map measures zero wide; it is laid out again when its tab comes back.
  window.addEventListener('resize', debounce(() => {
    if (state.view === 'map') renderMap();
  }, 200));

  document.body.dataset.view = state.view;
  refresh();
})();
