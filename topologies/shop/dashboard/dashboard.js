// The shop's live dashboard, plain browser JavaScript (no build step). The saga monitor, the stock
// and the dead letters follow their stores over Server-Sent Events (the query server's
// /stores/<store>/changes: the current entries, then every committed change); the analytics come
// from the HTTP API every few seconds. uPlot (loaded by the page) draws the charts.

const $ = (id) => document.getElementById(id);
const SECONDS_SHOWN = 120;
const MINUTES_SHOWN = 15;
const POLL_MS = 5_000;

const connection = $('connection');
function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
}

/** Follows a store (or one key of it): onEntry(key, value) for each entry, then for each change (value null: deleted). */
function follow(path, onEntry) {
  const source = new EventSource(path);
  const apply = (key, value) => onEntry(key, value);
  source.addEventListener('initial', (e) => {
    for (const { key, value } of JSON.parse(e.data).entries) apply(key, value);
    setConnection('live', 'live');
  });
  source.addEventListener('change', (e) => {
    const change = JSON.parse(e.data);
    apply(change.key, change.value);
  });
  // The browser reconnects by itself (with Last-Event-ID, so no change is missed).
  source.addEventListener('error', () => setConnection('lost', `reconnecting to ${path}…`));
}

async function getJson(path) {
  const answer = await fetch(path);
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${(await answer.json()).message ?? ''}`);
  return answer.json();
}

function chart(element, series, bars) {
  const plot = new uPlot(
    {
      width: element.clientWidth || 440,
      height: 200,
      series: [
        {},
        ...series.map(([label, stroke]) => ({
          label,
          stroke,
          fill: `${stroke}33`,
          ...(bars ? { paths: uPlot.paths.bars() } : {}),
        })),
      ],
      axes: [{}, { size: 80 }],
    },
    [[], ...series.map(() => [])],
    element,
  );
  return (data) => {
    plot.setData(data);
    element.dataset.points = String(data[0].length);
  };
}

// Sagas: counters, and orders that ended (confirmed or compensated) per second.
const ordersChart = chart($('orders-chart'), [
  ['confirmed/s', '#2e9d4f'],
  ['compensated/s', '#e5534b'],
]);
let saga = null;
follow('/stores/saga-monitor/keys/all/changes', (_key, monitor) => {
  saga = monitor;
  if (!monitor) return;
  const ended = monitor.completed + monitor.compensated;
  $('saga-running').textContent = monitor.running;
  $('saga-completed').textContent = monitor.completed;
  $('saga-compensated').textContent = monitor.compensated;
  $('saga-compensation-rate').textContent = ended
    ? `${((100 * monitor.compensated) / ended).toFixed(1)} %`
    : '–';
  $('saga-mean-duration').textContent = ended ? `${(monitor.endedDurationMs / ended).toFixed(1)} ms` : '–';
});
const perSecond = [[], [], []];
let previous = null;
setInterval(() => {
  if (!saga) return;
  if (previous) {
    perSecond[0].push(Math.round(Date.now() / 1000));
    perSecond[1].push(saga.completed - previous.completed);
    perSecond[2].push(saga.compensated - previous.compensated);
    for (const s of perSecond) if (s.length > SECONDS_SHOWN) s.shift();
    ordersChart(perSecond);
  }
  previous = saga;
}, 1_000);

// Stock: on hand, reserved, available, with a bar of what is available.
const stock = new Map();
follow('/stores/stock/changes', (productId, value) => {
  if (value === null) stock.delete(productId);
  else stock.set(productId, value);
  renderStock();
});
function renderStock() {
  const rows = [...stock.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const most = Math.max(1, ...rows.map(([, s]) => s.onHand));
  $('stock').tBodies[0].replaceChildren(
    ...rows.map(([productId, s]) => {
      const available = s.onHand - s.reserved;
      const row = document.createElement('tr');
      row.dataset.product = productId;
      row.innerHTML = '<td></td><td></td><td></td><td></td><td><div class="bar"></div></td>';
      const cells = row.cells;
      cells[0].textContent = productId;
      cells[1].textContent = s.onHand;
      cells[2].textContent = s.reserved;
      cells[3].textContent = available;
      const bar = cells[4].firstChild;
      bar.style.width = `${(100 * Math.max(0, available)) / most}%`;
      bar.classList.toggle('out', available <= 0);
      return row;
    }),
  );
}

// Dead letters: the notifications that failed every attempt, newest first.
const deadLetters = new Map();
follow('/stores/dead-letters/changes', (key, letter) => {
  if (letter === null) deadLetters.delete(key);
  else deadLetters.set(key, letter);
  $('dead-letter-count').textContent = deadLetters.size;
  const newest = [...deadLetters.values()]
    .sort((a, b) => b.deadLetteredAtMs - a.deadLetteredAtMs)
    .slice(0, 20);
  $('dead-letters').tBodies[0].replaceChildren(
    ...newest.map((d) => {
      const row = document.createElement('tr');
      for (const text of [d.notification.orderId, d.notification.kind, d.attempts, d.error]) {
        const cell = row.insertCell();
        cell.textContent = text;
      }
      return row;
    }),
  );
});

// Revenue per minute (all products, the open minute included) and the alerts, from the HTTP API.
const revenueChart = chart($('revenue-chart'), [['revenue', '#4c8bf5']], true);
async function poll() {
  const sinceMs = Date.now() - MINUTES_SHOWN * 60_000;
  const sales = await Promise.all(
    [...stock.keys()].map((p) =>
      getJson(`/analytics/products/${encodeURIComponent(p)}/sales?sinceMs=${sinceMs}`),
    ),
  );
  const perMinute = new Map();
  for (const { minutes } of sales)
    for (const m of minutes)
      perMinute.set(m.windowStartMs, (perMinute.get(m.windowStartMs) ?? 0) + m.revenueCents);
  // Every minute shown, those without sales as 0, so the bars keep their place.
  const thisMinute = Math.floor(Date.now() / 60_000) * 60_000;
  const starts = Array.from(
    { length: MINUTES_SHOWN },
    (_, i) => thisMinute - (MINUTES_SHOWN - 1 - i) * 60_000,
  );
  revenueChart([starts.map((s) => s / 1000), starts.map((s) => (perMinute.get(s) ?? 0) / 100)]);

  const { alerts } = await getJson('/analytics/alerts');
  const list = $('alerts');
  if (alerts.length === 0) list.innerHTML = '<li class="empty">none</li>';
  else
    list.replaceChildren(
      ...alerts.map((a) => {
        const item = document.createElement('li');
        const when = new Date(a.windowStartMs).toLocaleTimeString();
        item.textContent =
          a.type === 'PaymentFailureRateHigh'
            ? `${when}: ${(100 * a.failureRate).toFixed(0)} % of ${a.payments} payments declined`
            : `${when}: ${a.orders} orders in 5 minutes, down ${(100 * a.drop).toFixed(0)} % from ${a.previousOrders}`;
        return item;
      }),
    );
}
async function pollForever() {
  // A failed read (an instance rebalancing answers 503) shows until the next one succeeds.
  try {
    await poll();
    $('poll-error').textContent = '';
  } catch (err) {
    $('poll-error').textContent = err.message;
  }
  setTimeout(pollForever, POLL_MS);
}
setTimeout(pollForever, 500);
