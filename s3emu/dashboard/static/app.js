// s3emu dashboard: a static page over the admin API (no build step, no dependencies).
// Every call sends the X-S3emu-Admin header (a custom header: other origins cannot send it
// without a CORS preflight, which s3emu never grants). Data is put on the page as text only.
"use strict";

const ADMIN = "/_s3emu";
const TOKEN_KEY = "s3emu-admin-token";
const POLL_MS = 1000;
let poller = null;

function headerValue() {
  return sessionStorage.getItem(TOKEN_KEY) || "1";
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  const answer = await fetch(ADMIN + path, {headers: {"X-S3emu-Admin": headerValue()},
                                            cache: "no-store"});
  if (!answer.ok) {
    let message = answer.status + " " + answer.statusText;
    try { message = (await answer.json()).error || message; } catch (e) { /* not JSON */ }
    if (answer.status === 403 && /admin token|X-S3emu-Admin/.test(message)) {
      document.getElementById("token-form").hidden = false;
    }
    throw new ApiError(answer.status, message);
  }
  return answer;
}

async function json(path) { return (await api(path)).json(); }

// h("a", {href: "#/"}, "text", child...): an element; strings become text nodes.
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(headings, rows, numeric) {
  const nums = new Set(numeric || []);
  return h("table", {},
    h("thead", {}, h("tr", {}, headings.map((t, i) => h("th", {class: nums.has(i) ? "num" : null}, t)))),
    h("tbody", {}, rows));
}

function cells(values, numeric, attrs) {
  const nums = new Set(numeric || []);
  return h("tr", attrs || {}, values.map((v, i) => h("td", {class: nums.has(i) ? "num" : null}, v)));
}

function bytes(n) {
  if (n === null || n === undefined) return "";
  if (n < 1024) return n + " B";
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return value.toFixed(1) + " " + units[unit] + " (" + n.toLocaleString("en") + ")";
}

function when(iso) { return iso ? iso.replace("T", " ").replace("+00:00", "Z") : ""; }

function pairs(mapping) {
  const entries = Object.entries(mapping || {});
  if (!entries.length) return h("p", {class: "muted"}, "none");
  return table(["Name", "Value"], entries.map(([k, v]) => h("tr", {},
    h("td", {class: "mono"}, k), h("td", {class: "mono"}, v))));
}

function grid(items) {
  return h("dl", {class: "grid"}, items.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

// Replace what `main` shows (null and false items are left out, as by h).
function fill(main, ...children) { main.replaceChildren(h("div", {class: "page"}, ...children)); }

function link(hash, text, attrs) { return h("a", Object.assign({href: hash}, attrs || {}), text); }

function route(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v) query.set(k, v);
  const text = query.toString();
  return "#/" + path + (text ? "?" + text : "");
}

// -- pages -------------------------------------------------------------------------------

async function bucketsPage(main) {
  const data = await json("/ui/api/buckets");
  fill(main, h("h1", {}, "Buckets"),
    data.buckets.length === 0 ? h("p", {class: "muted"}, "No buckets yet.") :
    table(["Name", "Region", "Created", "Versioning", "Objects"], data.buckets.map(b => cells([
      link(route("bucket", {bucket: b.name}), b.name, {class: "bucket"}), b.region,
      when(b.created), b.versioning || "never enabled", b.objects], [4])), [4]));
}

function crumbs(bucket, prefix) {
  const items = [link("#/", "Buckets"), " / ", link(route("bucket", {bucket}), bucket)];
  let sofar = "";
  for (const part of prefix.split("/").slice(0, -1)) {
    sofar += part + "/";
    items.push(" / ", link(route("bucket", {bucket, prefix: sofar}), part));
  }
  return h("div", {class: "crumbs"}, items);
}

async function bucketPage(main, params) {
  const bucket = params.get("bucket") || "";
  const prefix = params.get("prefix") || "";
  const data = await json("/ui/api/objects?" + new URLSearchParams(
    Object.assign({bucket, prefix}, params.get("after") ? {after: params.get("after")} : {})));
  const rows = [
    ...data.prefixes.map(p => cells([link(route("bucket", {bucket, prefix: p}),
      p.slice(prefix.length), {class: "prefix"}), "folder", "", "", ""], [2])),
    ...data.objects.map(o => cells([
      link(route("object", {bucket, key: o.key}), o.key.slice(prefix.length), {class: "key"}),
      o.storage_class, bytes(o.size), when(o.last_modified), h("span", {class: "mono"}, o.etag)], [2])),
  ];
  fill(main, h("h1", {}, "Bucket " + bucket), crumbs(bucket, prefix),
    rows.length ? table(["Name", "Storage class", "Size", "Last modified", "ETag"], rows, [2]) :
      h("p", {class: "muted"}, "Nothing under this prefix."),
    data.truncated ? link(route("bucket", {bucket, prefix, after: data.next}), "Next page →") : null);
}

async function download(bucket, key, version) {
  const answer = await api("/ui/api/download?" + new URLSearchParams({bucket, key, version}));
  const url = URL.createObjectURL(await answer.blob());
  const anchor = h("a", {href: url, download: key.split("/").filter(Boolean).pop() || "object"});
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function objectPage(main, params) {
  const bucket = params.get("bucket") || "", key = params.get("key") || "";
  const query = {bucket, key};
  if (params.get("version")) query.version = params.get("version");
  const o = await json("/ui/api/object?" + new URLSearchParams(query));
  const slash = key.lastIndexOf("/");
  const button = h("button", {id: "download", disabled: !o.downloadable, onclick: () =>
    download(bucket, key, o.version_id).catch(showError)}, "Download");
  fill(main,
    h("h1", {}, key), crumbs(bucket, slash >= 0 ? key.slice(0, slash + 1) : ""),
    h("p", {}, button, o.downloadable ? "" : h("span", {class: "muted"},
      o.delete_marker ? " a delete marker has no bytes" :
      o.encryption.customer_key ? " encrypted with a customer key (SSE-C)" : " archived: restore it first")),
    h("h2", {}, "Properties"),
    grid([["Version", h("span", {class: "mono", id: "version"}, o.version_id + (o.latest ? " (latest)" : ""))],
      ["Size", bytes(o.size)], ["Last modified", when(o.last_modified)],
      ["ETag", h("span", {class: "mono"}, o.etag)], ["Storage class", o.storage_class],
      ["Encryption", (o.encryption.algorithm || "none") + (o.encryption.kms_key ? " " + o.encryption.kms_key : "") +
        (o.encryption.customer_key ? " (SSE-C)" : "")],
      o.delete_marker && ["Delete marker", "yes"],
      o.parts && ["Parts", String(o.parts)],
      o.checksum_type && ["Checksums", Object.entries(o.checksums).map(([a, v]) => a + " " + v).join(", ") +
        " (" + o.checksum_type + ")"],
      o.replication && ["Replication", o.replication],
      o.lock && ["Object Lock", [o.lock.mode, o.lock.retain_until && "until " + when(o.lock.retain_until),
        o.lock.legal_hold && "legal hold"].filter(Boolean).join(", ") || "none"],
      o.restore && ["Restore", "ready " + when(o.restore.ready) + (o.restore.expires ? ", expires " + when(o.restore.expires) : "")],
      ["Owner", h("span", {class: "mono"}, o.owner)]]),
    h("h2", {}, "Content headers"), pairs(o.content),
    h("h2", {}, "Metadata"), h("div", {id: "metadata"}, pairs(o.metadata)),
    h("h2", {}, "Tags"), h("div", {id: "tags"}, pairs(o.tags)),
    h("h2", {}, "Versions"),
    table(["Version", "Last modified", "Size", "Storage class", ""], o.versions.map(v => cells([
      link(route("object", {bucket, key, version: v.version_id}), v.version_id, {class: "version mono"}),
      when(v.last_modified), v.delete_marker ? "delete marker" : bytes(v.size), v.storage_class,
      v.latest ? "latest" : ""], [2], {class: v.version_id === o.version_id ? "current" : null})), [2]));
}

const FILTERS = [["operation", "Operation", "GetObject"], ["status", "Status", "404"],
                 ["error_code", "Error code", "NoSuchKey"]];

async function journalPage(main, params) {
  const inputs = {};
  const filters = h("form", {class: "filters", id: "journal-filters",
                             onsubmit: e => { e.preventDefault(); refresh(); }},
    FILTERS.map(([name, label, example]) => h("label", {}, label,
      inputs[name] = h("input", {id: "filter-" + name, name, placeholder: example,
                                 value: params.get(name) || "", oninput: () => refresh()}))),
    h("label", {}, "Live", h("input", {type: "checkbox", id: "live", checked: true,
                                      onchange: e => e.target.checked ? start() : stop()})),
    h("button", {type: "button", onclick: () => { for (const i of Object.values(inputs)) i.value = ""; refresh(); }}, "Clear filters"));
  const summary = h("p", {id: "journal-summary", class: "muted"});
  const body = h("tbody", {id: "journal-rows"});
  fill(main, h("h1", {}, "Request journal"), filters, summary,
    h("table", {}, h("thead", {}, h("tr", {}, ["Time", "Operation", "Method", "Bucket", "Key",
      "Status", "Error", "In", "Out", "Flags"].map(t => h("th", {}, t)))), body));
  let running = false, again = false;
  async function refresh() {
    const query = new URLSearchParams({last: "200"});
    const shown = {};
    for (const [name] of FILTERS) {
      const value = inputs[name].value.trim();
      if (value) { query.set(name, value); shown[name] = value; }
    }
    history.replaceState(null, "", route("journal", shown));
    if (running) { again = true; return; }   // a filter changed mid-request: ask once more
    running = true;
    again = false;
    try {
      const data = await json("/journal?" + query);
      summary.textContent = data.count + " shown (latest first) of " + data.total +
        " requests recorded" + (data.dropped ? ", " + data.dropped + " dropped from the window" : "");
      body.replaceChildren(...data.entries.reverse().map(e => cells([when(e.time), e.operation || "",
        e.method, e.bucket || "", h("span", {class: "mono"}, e.key || ""), e.status, e.error_code || "",
        e.bytes_in, e.bytes_out, [e.throttled && "throttled", e.faulted && "fault"].filter(Boolean).join(" ")],
        [], {class: e.status >= 400 ? "failed entry" : "entry"})));
      hideError();
    } catch (e) { showError(e); } finally { running = false; }
    if (again) refresh();
  }
  function start() { stop(); poller = setInterval(refresh, POLL_MS); }
  function stop() { if (poller) clearInterval(poller); poller = null; }
  await refresh();
  start();
}

async function statePage(main) {
  const [throttle, faults, clock] = await Promise.all([json("/throttle"), json("/faults"), json("/clock")]);
  const t = throttle;
  fill(main, h("h1", {}, "Throttle and faults"),
    h("h2", {}, "Clock"), grid([["Now", when(clock.now)], ["Ticking", clock.ticking ? "yes (real time)" : "no (frozen)"]]),
    h("h2", {}, "Throttle ", h("span", {class: "badge" + (t.enabled ? " on" : ""), id: "throttle-state"},
      t.enabled ? "on" : "off")),
    t.enabled ? grid([["Reads per second", t.reads === null ? "unlimited" : String(t.reads)],
      ["Read burst", t.read_burst === null ? "" : String(t.read_burst)],
      ["Writes per second", t.writes === null ? "unlimited" : String(t.writes)],
      ["Write burst", t.write_burst === null ? "" : String(t.write_burst)],
      ["Per prefix", t.prefix === null ? "no (one budget)" : "depth " + t.prefix]]) :
      h("p", {class: "muted"}, "Requests are not throttled."),
    h("h2", {}, "Pending faults"),
    faults.faults.length === 0 ? h("p", {class: "muted", id: "no-faults"}, "No faults pending.") :
    table(["Id", "Operation", "Bucket", "Key", "Injects", "Fired", "Remaining"], faults.faults.map(f => cells([
      f.id, f.operation || "any", f.bucket || "any", f.key || "any",
      [f.error, f.status, f.connection && "connection " + f.connection, f.latency && f.latency + " s latency",
       f.truncate_at !== null && f.truncate_at !== undefined && "truncate at " + f.truncate_at].filter(Boolean).join(", "),
      f.fired, f.remaining === null ? "unlimited" : f.remaining], [0, 5, 6], {class: "fault"})), [0, 5, 6]));
}

async function optionalCost() {
  // The cost report exists only on emulators that have it: shown when the endpoint answers.
  try { return await json("/cost"); } catch (e) { return null; }
}

function costSection(cost) {
  if (!cost) return null;
  const rows = Object.entries(cost).filter(([, v]) => typeof v !== "object" || v === null);
  return [h("h2", {id: "cost"}, "Cost"), rows.length ? grid(rows.map(([k, v]) => [k, String(v)])) :
    h("pre", {class: "mono"}, JSON.stringify(cost, null, 1))];
}

async function usagePage(main) {
  const [usage, cost] = await Promise.all([json("/usage"), optionalCost()]);
  const buckets = Object.values(usage.buckets);
  const classes = [];
  for (const b of buckets) for (const [name, c] of Object.entries(b.storage_classes))
    classes.push(cells([b.name, name, c.objects, bytes(c.bytes), c.noncurrent_versions, bytes(c.noncurrent_bytes)], [2, 3, 4, 5]));
  fill(main, h("h1", {}, "Storage"),
    h("p", {id: "usage-total"}, usage.objects + " objects, " + bytes(usage.bytes) + " stored"),
    table(["Bucket", "Region", "Objects", "Bytes", "Delete markers", "Uploads in progress"], buckets.map(b => cells([
      link(route("bucket", {bucket: b.name}), b.name), b.region, b.objects, bytes(b.bytes), b.delete_markers,
      b.uploads_in_progress + (b.uploads_in_progress ? " (" + bytes(b.upload_bytes) + ")" : "")], [2, 3, 4, 5])), [2, 3, 4, 5]),
    h("h2", {}, "By storage class"),
    classes.length ? table(["Bucket", "Storage class", "Objects", "Bytes", "Noncurrent versions", "Noncurrent bytes"],
      classes, [2, 3, 4, 5]) : h("p", {class: "muted"}, "Nothing stored."),
    costSection(cost));
}

// -- the router --------------------------------------------------------------------------

const PAGES = {"": [bucketsPage, "buckets"], bucket: [bucketPage, "buckets"], object: [objectPage, "buckets"],
               journal: [journalPage, "journal"], state: [statePage, "state"], usage: [usagePage, "usage"]};

function showError(error) {
  const box = document.getElementById("error");
  box.textContent = error.message || String(error);
  box.hidden = false;
}

function hideError() { document.getElementById("error").hidden = true; }

async function render() {
  if (poller) { clearInterval(poller); poller = null; }
  const hash = location.hash.replace(/^#\/?/, "");
  const cut = hash.indexOf("?");
  const name = cut < 0 ? hash : hash.slice(0, cut);
  const params = new URLSearchParams(cut < 0 ? "" : hash.slice(cut + 1));
  const [page, tab] = PAGES[name] || PAGES[""];
  for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", a.id === "nav-" + tab);
  const main = document.getElementById("main");
  document.body.dataset.page = "";
  hideError();
  try {
    await page(main, params);
    document.body.dataset.page = name || "buckets";
  } catch (error) {
    main.replaceChildren();
    showError(error);
  }
}

async function tick() {
  try {
    const clock = await json("/clock");
    document.getElementById("clock").textContent = "emulator clock " + when(clock.now);
  } catch (e) { /* shown by the page */ }
}

document.getElementById("token-form").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value.trim());
  document.getElementById("token-form").hidden = true;
  render();
  tick();
});
window.addEventListener("hashchange", render);
render();
tick();
setInterval(tick, 5000);
