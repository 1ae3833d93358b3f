// The patroni-jvm status page: polls this agent's /ui/api/cluster (the DCS view plus what each
// member said) and draws it. No framework, no remote assets; all state lives in this closure.
(function () {
  "use strict";

  const POLL_MS = 1500;
  const REQUEST_TIMEOUT_MS = 4000;
  const CHART_WINDOW_MS = 5 * 60 * 1000;
  const COLORS = ["#2563a8", "#1f7a3a", "#b26b00", "#7b3fa0", "#b42318", "#0f766e", "#6b7785"];

  // Everything the page remembers across polls.
  const seen = new Map();     // member name -> last row we drew (kept after its key is gone)
  const events = new Map();   // dedupe key -> event
  const samples = [];         // {t, lag: {member: MB}}
  let lease = null;           // {leader, data, receivedAt}
  let lastOk = 0;

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function badge(text, cls) {
    return el("span", { class: "badge " + (cls || "") }, text);
  }

  function fmtTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleTimeString([], { hour12: false });
  }

  function fmtDateTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString([], { hour12: false });
  }

  function mb(bytes) {
    return typeof bytes === "number" ? (bytes / 1048576).toFixed(bytes < 1048576 * 10 ? 2 : 0) : null;
  }

  function lsn(n) {
    if (typeof n !== "number") return String(n);
    const hi = Math.floor(n / 4294967296), lo = n % 4294967296;
    return hi.toString(16).toUpperCase() + "/" + lo.toString(16).toUpperCase();
  }

  // ------------------------------------------------------------------ polling

  async function poll() {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
    try {
      const r = await fetch("api/cluster", { cache: "no-store", signal: ctl.signal });
      if (!r.ok) throw new Error("HTTP " + r.status + ": " + (await r.text()).slice(0, 200));
      const body = await r.json();
      lastOk = Date.now();
      render(body);
      setConn(true, "live · " + new Date().toLocaleTimeString([], { hour12: false }));
    } catch (e) {
      setConn(false, "not answering: " + (e.name === "AbortError" ? "timeout" : e.message));
      markAllStale();
    } finally {
      clearTimeout(timer);
      setTimeout(poll, POLL_MS);
    }
  }

  function setConn(ok, text) {
    const c = $("conn");
    c.dataset.ok = String(ok);
    c.textContent = text;
  }

  // ----------------------------------------------------------------- the model

  // One row per member: what /cluster says, overlaid with what the member itself answered.
  function rowsOf(body) {
    const members = body.members || {};
    const clusterMembers = (body.cluster && body.cluster.members) || [];
    const upstreamOf = {};
    const lagMsOf = {};
    for (const [name, m] of Object.entries(members)) {
      for (const w of (m.extension && m.extension.replication) || []) {
        upstreamOf[w.application_name] = name;
        lagMsOf[w.application_name] = w.replay_lag_ms;
      }
    }
    const rows = [];
    for (const cm of clusterMembers) {
      const m = members[cm.name] || {};
      const st = m.status || {};
      const prev = seen.get(cm.name);
      const agent = st.implementation ? st.implementation
        : st.patroni ? "Patroni " + st.patroni.version : (prev ? prev.agent : "?");
      rows.push({
        name: cm.name,
        role: cm.role,
        health: m.answering ? "ok" : "not-answering",
        error: m.error,
        state: m.answering ? (st.state || cm.state) : "stopped",
        dcsState: cm.state,
        timeline: st.timeline || cm.timeline,
        lagBytes: cm.lag,
        lagMs: lagMsOf[cm.name],
        replication: st.replication_state || (cm.role === "leader" ? "" : cm.state),
        upstream: upstreamOf[cm.name] || null,
        tags: cm.tags || st.tags || {},
        pendingRestart: cm.pending_restart || st.pending_restart,
        scheduledRestart: cm.scheduled_restart || st.scheduled_restart,
        agent: agent,
        rtt: m.rtt_ms,
        apiUrl: cm.api_url,
        extension: m.extension,
        lastSeen: m.answering ? Date.now() : (prev ? prev.lastSeen : null),
      });
    }
    return rows;
  }

  function render(body) {
    $("scope").textContent = body.scope;
    $("answered-by").textContent = body.answered_by;
    document.title = body.scope + " · patroni-jvm";
    const rows = rowsOf(body);
    const present = new Set(rows.map((r) => r.name));
    for (const [name, prev] of seen) {
      if (!present.has(name)) {
        // Its member key expired: the node is gone from the DCS. Keep showing it, as stopped.
        rows.push(Object.assign({}, prev, { health: "gone", state: "stopped", role: "-", upstream: null,
          error: "member key gone from the DCS", lagBytes: null, lagMs: undefined, rtt: -1 }));
      }
    }
    rows.sort((a, b) => a.name.localeCompare(b.name));
    for (const r of rows) {
      if (r.health !== "gone") seen.set(r.name, r);
    }
    collectEvents(body);
    sample(rows);
    renderBanners(body, rows);
    renderLease(rows);
    renderTopology(rows);
    renderMembers(rows);
    renderEvents();
    renderHistory(body.history || []);
    renderChart();
  }

  function markAllStale() {
    for (const tr of document.querySelectorAll("#members tbody tr")) {
      tr.dataset.stale = "true";
    }
  }

  function collectEvents(body) {
    for (const m of Object.values(body.members || {})) {
      for (const e of (m.extension && m.extension.events) || []) {
        events.set([e.time, e.member, e.kind, e.reason].join("|"), e);
      }
    }
    if (events.size > 500) {
      const keep = [...events.entries()].sort((a, b) => a[1].time.localeCompare(b[1].time)).slice(-300);
      events.clear();
      keep.forEach(([k, v]) => events.set(k, v));
    }
  }

  function sample(rows) {
    const now = Date.now();
    const lag = {};
    for (const r of rows) {
      if (r.role !== "leader" && r.role !== "standby_leader" && typeof r.lagBytes === "number") {
        lag[r.name] = r.lagBytes / 1048576;
      }
    }
    samples.push({ t: now, lag });
    while (samples.length && samples[0].t < now - CHART_WINDOW_MS) samples.shift();
  }

  // ------------------------------------------------------------------ drawing

  function renderBanners(body, rows) {
    const b = $("banners");
    b.replaceChildren();
    const c = body.cluster || {};
    if (c.pause) {
      b.append(el("div", { class: "banner", "data-banner": "pause" },
        "Maintenance mode: the cluster is paused, no automatic failover."));
    }
    if (c.scheduled_switchover) {
      const s = c.scheduled_switchover;
      b.append(el("div", { class: "banner", "data-banner": "switchover" },
        "Scheduled switchover at " + fmtDateTime(s.at) + (s.from ? " from " + s.from : "") + (s.to ? " to " + s.to : "")));
    }
    if (!rows.some((r) => r.role === "leader" || r.role === "standby_leader")) {
      b.append(el("div", { class: "banner bad", "data-banner": "no-leader" }, "No leader: the leader key is not held."));
    }
  }

  function renderLease(rows) {
    const leader = rows.find((r) => r.role === "leader" || r.role === "standby_leader");
    const data = leader && leader.health === "ok" && leader.extension ? leader.extension.lease : null;
    lease = leader ? { leader: leader.name, data, down: leader.health !== "ok", receivedAt: performance.now() } : null;
    drawLease();
  }

  function drawLease() {
    const box = $("lease");
    if (!lease) {
      box.replaceChildren(el("span", { class: "muted" }, "no leader holds the lock"));
      return;
    }
    const d = lease.data;
    if (!d) {
      box.replaceChildren(el("span", {}, "Leader ", el("b", {}, lease.leader),
        el("span", { class: "muted" }, lease.down ? " is not answering: its lease cannot be shown"
          : " runs Patroni: its lease is not published")));
      return;
    }
    const since = performance.now() - lease.receivedAt;
    const left = d.holder ? Math.max(0, d.valid_for_ms - since) : 0;
    const frac = d.provable_lease_ms > 0 ? Math.min(1, left / d.provable_lease_ms) : 0;
    const bar = el("div", { class: "lease-bar" + (frac < 0.34 ? " low" : "") }, el("div"));
    bar.firstChild.style.width = (frac * 100).toFixed(1) + "%";
    const ago = d.last_renewal_ms_ago === undefined ? null : (d.last_renewal_ms_ago + since) / 1000;
    box.replaceChildren(
      el("div", {}, el("div", { class: "muted" }, "leader"), el("div", { class: "big", "data-lease-holder": lease.leader }, lease.leader)),
      el("div", {}, el("div", { class: "muted" }, "provable lease left"),
        el("div", { class: "big", "data-lease-left-ms": Math.round(left) }, d.holder ? (left / 1000).toFixed(1) + " s" : "none")),
      bar,
      el("div", {}, el("div", { class: "muted" }, "last renewal"),
        el("div", {}, d.last_renewal ? fmtTime(d.last_renewal) + " (" + ago.toFixed(1) + " s ago)" : "-")),
      el("div", { class: "muted" }, "renews every " + (d.renew_interval_ms / 1000).toFixed(1) + " s · lease " +
        (d.provable_lease_ms / 1000).toFixed(1) + " s per renewal" +
        (d.key_expires_within_ms !== undefined ? " · key gone ≤ " + Math.max(0, (d.key_expires_within_ms - since) / 1000).toFixed(1) + " s after a death" : "")));
  }

  function nodeBox(r) {
    const role = r.health === "ok" ? r.role : (r.health === "gone" ? "gone" : "not answering");
    const cls = r.health === "ok" ? r.role : (r.health === "gone" ? "gone" : "bad");
    const lag = r.role === "leader" || r.role === "standby_leader" ? "" : lagText(r);
    return el("span", { class: "node", "data-health": r.health, "data-node": r.name },
      el("b", {}, r.name), badge(role, cls), el("span", { class: "muted" }, [r.state, lag].filter(Boolean).join(" · ")));
  }

  function lagText(r) {
    const m = mb(r.lagBytes);
    return m === null ? "" : m + " MB" + (secondsOf(r) !== "" ? ", " + secondsOf(r) + " s" : "");
  }

  function secondsOf(r) {
    if (typeof r.lagMs === "number" && r.lagMs >= 0) return (r.lagMs / 1000).toFixed(r.lagMs < 10000 ? 2 : 0);
    // PostgreSQL reports no replay_lag once an idle standby has caught up.
    if (r.lagMs === -1 && r.lagBytes === 0) return "0.00";
    return "";
  }

  function renderTopology(rows) {
    const byName = new Map(rows.map((r) => [r.name, r]));
    const children = new Map();
    const roots = [];
    for (const r of rows) {
      if (r.upstream && byName.has(r.upstream) && r.upstream !== r.name) {
        if (!children.has(r.upstream)) children.set(r.upstream, []);
        children.get(r.upstream).push(r);
      } else {
        roots.push(r);
      }
    }
    // The leader first, then members that stream from nobody we know of.
    roots.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    const visited = new Set();
    const branch = (r) => {
      visited.add(r.name);
      const li = el("li", {}, nodeBox(r));
      const kids = (children.get(r.name) || []).filter((k) => !visited.has(k.name));
      if (kids.length) li.append(el("ul", {}, ...kids.map(branch)));
      return li;
    };
    const ul = el("ul", {}, ...roots.map(branch));
    const tree = el("div", { class: "tree" }, ul);
    const orphans = rows.filter((r) => !visited.has(r.name));
    if (orphans.length) tree.append(el("ul", {}, ...orphans.map(branch)));
    $("topology").replaceChildren(tree);
  }

  function rank(r) {
    if (r.health !== "ok") return 3;
    return r.role === "leader" || r.role === "standby_leader" ? 0 : r.upstream ? 1 : 2;
  }

  function renderMembers(rows) {
    const tb = document.querySelector("#members tbody");
    tb.replaceChildren(...rows.map((r) => {
      const leader = r.role === "leader" || r.role === "standby_leader";
      const tags = Object.entries(r.tags || {})
        .map(([k, v]) => el("span", { class: "tag" + (v === false ? " muted" : "") }, k + ": " + v));
      const pend = [];
      if (r.pendingRestart) pend.push(badge("pending restart", "warn"));
      if (r.scheduledRestart) pend.push(el("span", {}, " restart at " + fmtDateTime(r.scheduledRestart.schedule || r.scheduledRestart)));
      const stateCell = r.health === "ok" ? r.state
        : el("span", {}, badge(r.health === "gone" ? "stopped" : "stopped", "bad"), " ", r.error || "not answering",
          r.lastSeen ? " · last seen " + new Date(r.lastSeen).toLocaleTimeString([], { hour12: false }) : "");
      return el("tr", { "data-member": r.name, "data-role": r.role, "data-health": r.health, "data-state": r.state,
        "data-upstream": r.upstream || "" },
        el("td", {}, r.name),
        el("td", {}, r.role === "-" ? "-" : badge(r.role, r.health === "ok" ? r.role : "gone")),
        el("td", {}, stateCell),
        el("td", { class: "num" }, r.timeline || ""),
        el("td", { class: "num" }, leader ? "" : (mb(r.lagBytes) === null ? (r.lagBytes || "") : mb(r.lagBytes))),
        el("td", { class: "num" }, leader ? "" : secondsOf(r)),
        el("td", {}, leader ? "" : [r.replication, r.upstream ? "from " + r.upstream : ""].filter(Boolean).join(" ")),
        el("td", {}, ...tags),
        el("td", {}, ...pend),
        el("td", { "data-agent": r.agent }, r.agent),
        el("td", { class: "muted" }, r.rtt >= 0 ? r.rtt + " ms" : ""));
    }));
  }

  function renderEvents() {
    const list = [...events.values()].sort((a, b) => b.time.localeCompare(a.time)).slice(0, 40);
    const tb = document.querySelector("#events tbody");
    if (!list.length) {
      tb.replaceChildren(el("tr", {}, el("td", { colSpan: 4, class: "muted" }, "no HA events recorded yet")));
      return;
    }
    tb.replaceChildren(...list.map((e) => el("tr", { "data-event": e.kind },
      el("td", {}, fmtTime(e.time)), el("td", {}, e.member), el("td", {}, badge(e.kind, kindClass(e.kind))),
      el("td", { title: e.reason }, e.message || e.reason))));
  }

  function kindClass(kind) {
    if (kind === "failover" || kind === "demotion" || kind === "fatal") return "bad";
    if (kind === "switchover" || kind === "promotion" || kind === "manual failover") return "leader";
    if (kind === "pause" || kind === "failsafe") return "warn";
    return "";
  }

  function renderHistory(history) {
    const tb = document.querySelector("#history tbody");
    const lines = history.slice(-15).reverse();
    if (!lines.length) {
      tb.replaceChildren(el("tr", {}, el("td", { colSpan: 5, class: "muted" }, "timeline 1, no failover yet")));
      return;
    }
    tb.replaceChildren(...lines.map((h) => el("tr", {},
      el("td", { class: "num" }, h[0]), el("td", {}, lsn(h[1])), el("td", {}, h[2]),
      el("td", {}, h[3] ? fmtDateTime(h[3]) : ""), el("td", {}, h[4] || ""))));
  }

  function renderChart() {
    const canvas = $("lag-chart");
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 560, h = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const names = [...new Set(samples.flatMap((s) => Object.keys(s.lag)))].sort();
    let top_ = 0;
    for (const s of samples) for (const v of Object.values(s.lag)) top_ = Math.max(top_, v);
    const max = niceCeil(Math.max(1, top_ * 1.1));
    canvas.dataset.samples = String(samples.length);
    canvas.dataset.maxMb = top_.toFixed(3);
    const left = 44, bottom = h - 18, top = 6, right = w - 6;
    const now = Date.now(), t0 = now - CHART_WINDOW_MS;
    g.strokeStyle = "#dde3ea"; g.fillStyle = "#6b7785"; g.font = "11px sans-serif"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (bottom - top) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      g.fillText(String(+(max * i / 4).toFixed(2)), 2, y + 4);
    }
    for (let m = 0; m <= 5; m++) {
      const label = m === 5 ? "now" : (m - 5) + " min";
      const x = left + (right - left) * m / 5 - g.measureText(label).width * m / 5;
      g.fillText(label, x, h - 4);
    }
    const x = (t) => left + (right - left) * (t - t0) / CHART_WINDOW_MS;
    const y = (v) => bottom - (bottom - top) * v / max;
    const legend = $("chart-legend");
    legend.replaceChildren();
    names.forEach((n, i) => {
      const color = COLORS[i % COLORS.length];
      g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
      let drawing = false;
      for (const s of samples) {
        const v = s.lag[n];
        if (v === undefined) { drawing = false; continue; }
        if (drawing) g.lineTo(x(s.t), y(v)); else g.moveTo(x(s.t), y(v));
        drawing = true;
      }
      g.stroke();
      const sw = el("i");
      sw.style.background = color;
      legend.append(el("span", {}, sw, n));
    });
    if (!names.length) legend.append(el("span", { class: "muted" }, "no replica reports a lag yet"));
  }

  // 1, 2 or 5 times a power of ten, at or above v: round axis labels.
  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // The lease counts down between polls; a stale page says so.
  setInterval(() => {
    drawLease();
    if (lastOk && Date.now() - lastOk > 3 * POLL_MS) setConn(false, "no answer for " + Math.round((Date.now() - lastOk) / 1000) + " s");
  }, 250);
  poll();
})();
