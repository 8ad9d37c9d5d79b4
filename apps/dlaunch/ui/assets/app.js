// dlaunch ui: one page, four views chosen by the URL's #: #/ (jobs), #/job/HANDLE, #/timeline, #/plugins.
// Data comes from the server's /api/ (docs/ui.md#api); live views follow its Server-Sent Events.
"use strict";

// The token of the printed URL: the server's cookie carries it for GETs, a POST says it in a header.
const token = new URLSearchParams(location.search).get("token") || sessionStorage.getItem("dlaunch-token") || "";
sessionStorage.setItem("dlaunch-token", token);

const main = document.getElementById("main");
const live = document.getElementById("live");
let streams = [];  // the open EventSources of the current view

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
}

function follow(url, handlers) {
  const source = new EventSource(url);
  for (const [event, fn] of Object.entries(handlers)) source.addEventListener(event, e => fn(e.data));
  source.onopen = () => live.className = "on", live.textContent = "live";
  source.onerror = () => { live.className = ""; live.textContent = "reconnecting"; };
  streams.push(source);
  return source;
}

function age(ms) {
  if (!ms) return "-";
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 60) return Math.floor(s) + "s";
  if (s < 3600) return Math.floor(s / 60) + "m";
  if (s < 86400) return Math.floor(s / 3600) + "h";
  return Math.floor(s / 86400) + "d";
}

function stateOf(job) {
  if (job.journal_state === "submit_failed") return "submit failed";
  if (job.journal_state === "submitting") return "submitting";
  if (job.unreachable) return "unreachable";
  return job.state || "gone";
}

const jobLink = handle => "#/job/" + encodeURIComponent(handle);

function jobsView() {
  const filters = { platform: "", state: "", sweep: "" };
  const platform = el("select", { id: "platform-filter" }, el("option", { value: "" }, "every platform"));
  const sweep = el("select", { id: "sweep-filter" }, el("option", { value: "" }, "every sweep and job"));
  const state = el("select", { id: "state-filter" }, el("option", { value: "" }, "every state"));
  for (const s of ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED", "UNKNOWN"]) {
    state.append(el("option", { value: s }, s));
  }
  const body = el("tbody");
  let jobs = [];
  const render = () => {
    filters.platform = platform.value;
    filters.state = state.value;
    filters.sweep = sweep.value;
    for (const [select, values] of [[platform, jobs.map(j => j.platform)], [sweep, jobs.map(j => j.sweep)]]) {
      for (const v of new Set(values.filter(Boolean))) {
        if (![...select.options].some(o => o.value === v)) select.append(el("option", { value: v }, v));
      }
    }
    body.replaceChildren(...jobs
      .filter(j => (!filters.platform || j.platform === filters.platform) && (!filters.state || j.state === filters.state) &&
        (!filters.sweep || j.sweep === filters.sweep))
      .map(j => el("tr", { "data-handle": j.handle },
        el("td", {}, j.handle ? el("a", { href: jobLink(j.handle) }, j.handle) : "(" + j.submission_id + ")"),
        el("td", {}, j.platform), el("td", {}, j.name), el("td", {}, j.sweep ?? "-"),
        el("td", { class: "state " + stateOf(j) }, stateOf(j)),
        el("td", { class: "num" }, j.exit_code ?? "-"), el("td", { class: "num" }, j.restarts ?? "-"),
        el("td", { class: "num", title: new Date(j.created_ms).toLocaleString() }, age(j.created_ms)))));
  };
  platform.onchange = state.onchange = sweep.onchange = render;
  main.replaceChildren(el("h1", {}, "Jobs"),
    el("div", { class: "filters" }, "Show", platform, state, sweep),
    el("table", { id: "jobs" }, el("thead", {}, el("tr", {}, ...["Handle", "Platform", "Name", "Sweep", "State", "Exit", "Restarts", "Age"]
      .map(h => el("th", {}, h)))), body));
  follow("/api/jobs/events", { jobs: data => { jobs = JSON.parse(data); render(); } });
}

async function post(action, handle) {
  const response = await fetch(`/api/job/${action}?handle=${encodeURIComponent(handle)}`,
                               { method: "POST", headers: { "X-Dlaunch-Token": token } });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || response.statusText);
}

function jobView(handle) {
  const state = el("span", { id: "job-state", class: "state" }, "…");
  const details = el("dl");
  const spec = el("pre", { id: "spec" });
  const specNote = el("span", { class: "muted" });
  const logs = el("pre", { id: "logs" });
  const message = el("p", { class: "error" });
  const rank = el("select", { id: "rank-filter" }, el("option", { value: "" }, "every rank"));
  const followBox = el("input", { type: "checkbox", id: "follow", checked: "" });
  const stop = el("button", { id: "stop", class: "danger", onclick: () => act("stop") }, "Stop");
  const remove = el("button", { id: "delete", onclick: () => act("delete") }, "Delete");
  const history = el("ol", { id: "history" });  // each state seen, with when it was first seen
  const lines = [];  // [rank, text]: the output so far, split by the "[role/N] " prefix of each line
  let partial = "";
  async function act(action) {
    if (!confirm(`${action} ${handle}?`)) return;
    message.textContent = "";
    try { await post(action, handle); } catch (e) { message.textContent = e.message; }
  }
  const showLogs = () => {
    const wanted = rank.value;
    logs.textContent = lines.filter(([r]) => !wanted || r === wanted).map(([, t]) => t).join("");
    if (followBox.checked) logs.scrollTop = logs.scrollHeight;
  };
  const addOutput = chunk => {
    const text = partial + chunk;
    const parts = text.split(/(?<=\n)/);
    partial = parts[parts.length - 1].endsWith("\n") ? "" : parts.pop();
    for (const line of parts) {
      const r = (line.match(/^\[([^\]]+)\] /) || [])[1] || "";
      if (r && ![...rank.options].some(o => o.value === r)) rank.append(el("option", { value: r }, r));
      lines.push([r, line]);
    }
    showLogs();
  };
  rank.onchange = showLogs;
  main.replaceChildren(el("h1", {}, handle, " ", state), el("div", { class: "actions" }, stop, remove), message,
    details, el("h2", {}, "Logs ", rank, " ", el("label", {}, followBox, " follow")), logs,
    el("h2", {}, "Status history ", el("span", { class: "muted" },
      "(submitted, started and ended as the journal and the platform tell; other changes as this page saw them)")),
    history,
    el("h2", {}, "As submitted ", specNote), spec);
  const events = follow("/api/job/events?handle=" + encodeURIComponent(handle), { job: data => {
    const job = JSON.parse(data);
    const s = job.status;
    // The server ends the stream once the job has ended: not a connection lost, so no reconnecting.
    if (s && ["SUCCEEDED", "FAILED", "STOPPED"].includes(s.state)) {
      events.close();
      live.className = "";
      live.textContent = "ended";
    }
    state.textContent = s ? s.description : "unreachable: " + job.status_error;
    // The times every job has: its submit (journal), start and end (platform), each listed once; and each
    // other state when this page first saw it. In time order: a start the platform reports late still goes
    // before the state the page saw after it.
    const record = (key, when, what) => {
      const item = el("li", {}, `${new Date(when).toLocaleTimeString()}  ${what}`);
      Object.assign(item.dataset, { key, state: what, ms: when });
      const later = [...history.children].find(other => Number(other.dataset.ms) > when);
      history.insertBefore(item, later || null);
    };
    for (const [key, when, what] of [["submitted", job.created_ms, "submitted"], ["started", s && s.start_ms, "started"],
      ["ended", s && s.end_ms, s && s.description]]) {
      if (when && !history.querySelector(`[data-key="${key}"]`)) record(key, when, what);
    }
    const seen = [...history.children].filter(item => item.dataset.key === "seen").pop();
    if (!(s && s.end_ms) && seen?.dataset.state !== state.textContent) record("seen", Date.now(), state.textContent);
    state.className = "state " + (s ? s.state : "unreachable");
    stop.disabled = !!s && ["SUCCEEDED", "FAILED", "STOPPED"].includes(s.state);
    const rows = [["platform", job.platform], ["name", job.name], ["submitted", job.created_ms && new Date(job.created_ms).toLocaleString()],
      ["started", s && s.start_ms && new Date(s.start_ms).toLocaleString()], ["ended", s && s.end_ms && new Date(s.end_ms).toLocaleString()],
      ["exit code", s && s.exit_code], ["restarts", s && s.restarts], ["message", s && s.message],
      ["options", job.options], ["spec file", job.spec_file]];
    details.replaceChildren(...rows.filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== 0)
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
    if (job.document) {
      specNote.textContent = "(the job document the platform was handed, secrets as ***)";
      spec.textContent = JSON.stringify(JSON.parse(job.document), null, 2);
    } else {
      specNote.textContent = "(journaled without its document: the document of its spec file as it is now, secrets as ***)";
      spec.textContent = job.spec_document ? JSON.stringify(JSON.parse(job.spec_document), null, 2)
        : "(the spec file is not readable here, or no longer a valid job)";
    }
  } });
  follow("/api/job/logs?handle=" + encodeURIComponent(handle), {
    log: addOutput,
    end: data => { if (data) message.textContent = data; streams.forEach(s => s.url.includes("/logs") && s.close()); },
  });
}

function timelineView() {
  const holder = el("div");
  main.replaceChildren(el("h1", {}, "Timeline"), holder);
  follow("/api/jobs/events", { jobs: data => {
    const jobs = JSON.parse(data).filter(j => j.start_ms).slice(0, 100);
    if (!jobs.length) { holder.replaceChildren(el("p", { class: "muted" }, "No job has started yet.")); return; }
    const now = Date.now();
    const from = Math.min(...jobs.map(j => j.start_ms)), to = Math.max(now, ...jobs.map(j => j.end_ms || now));
    const width = 900, label = 220, row = 20;
    const x = t => label + (width - label) * (t - from) / Math.max(1, to - from);
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${jobs.length * row + 4}`);
    svg.setAttribute("width", width);
    jobs.forEach((j, i) => {
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", 0); text.setAttribute("y", i * row + 14); text.textContent = j.handle;
      const bar = document.createElementNS(ns, "rect");
      bar.setAttribute("x", x(j.start_ms)); bar.setAttribute("y", i * row + 4); bar.setAttribute("height", row - 6);
      bar.setAttribute("width", Math.max(2, x(j.end_ms || now) - x(j.start_ms)));
      bar.setAttribute("fill", `var(--${(j.state || "unknown").toLowerCase()})`);
      const title = document.createElementNS(ns, "title");
      title.textContent = `${j.handle} ${j.state}`;
      bar.append(title);
      svg.append(text, bar);
    });
    holder.replaceChildren(svg);
  } });
}

async function pluginsView() {
  main.replaceChildren(el("h1", {}, "Plugins"));
  const plugins = await (await fetch("/api/plugins")).json();
  for (const p of plugins) {
    main.append(el("h2", {}, `${p.id} ${p.version}`), el("p", { class: "muted" }, p.description),
      el("table", {}, el("tbody", {}, ...p.options.map(o => el("tr", {},
        el("td", {}, o.name), el("td", {}, o.type), el("td", {}, o.default), el("td", {}, o.help))))));
  }
}

function route() {
  streams.forEach(s => s.close());
  streams = [];
  const hash = location.hash.slice(1) || "/";
  if (hash.startsWith("/job/")) jobView(decodeURIComponent(hash.slice(5)));
  else if (hash === "/timeline") timelineView();
  else if (hash === "/plugins") pluginsView();
  else jobsView();
}

window.addEventListener("hashchange", route);
route();
