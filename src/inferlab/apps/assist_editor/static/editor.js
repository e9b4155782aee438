// ASSIST editor page: talks to the JSON endpoints of server.py, no build step.
// The image element #view has data-state="busy" while a request or a render is in flight and "ready" after.
// Each view change shows a quarter-resolution frame first (a key press shows at once), then the full one; a newer
// view change supersedes an older one's frames, which are then dropped (never left pending).
"use strict";

const params = new URLSearchParams(location.search);
const editor = {
  width: Number(params.get("w") || 320),
  height: Number(params.get("h") || 240),
  mode: "rgb",
  state: null,      // last JSON state from the server
  renders: 0,       // number of the latest view change (older frames are dropped)
  requests: 0,      // JSON requests in flight
  loading: false,   // the latest view change's full-resolution frame is not shown yet
  fit: params.get("fit") !== "0",  // scale the view to the window (fit=0: one screen pixel per rendered pixel)
};
const PREVIEW = 4;  // the first frame of each view change has 1/PREVIEW of the width and height
const MOVE_STEP = 0.25, TURN_DEG = 15, SCALE_STEP = 1.1, ORBIT_DEG = 15, TILT_DEG = 10, ZOOM = 1.15;

const $ = (id) => document.getElementById(id);
const view = $("view");

function updateState() { view.dataset.state = editor.requests === 0 && !editor.loading ? "ready" : "busy"; }
function busy() { editor.requests += 1; updateState(); }
function idle() { editor.requests -= 1; updateState(); }

function showMessage(text, isError) {
  $("message").textContent = text || "";
  $("message").classList.toggle("error", Boolean(isError));
}

function describe(node) { return `${node.colour} ${node.class} (id ${node.id})`; }

function selectedNode() {
  const s = editor.state;
  return s && s.selected !== null ? s.nodes.find((n) => n.id === s.selected) : undefined;
}

function showState(state) {
  editor.state = state;
  const node = selectedNode();
  $("status").textContent = node ? `Selected: ${describe(node)}` : "Nothing selected";
  $("status").dataset.selected = node ? String(node.id) : "";
  const list = $("scene-list");
  list.replaceChildren(...state.nodes.map((n) => {
    const li = document.createElement("li");
    li.dataset.id = String(n.id);
    const p = n.position.map((v) => v.toFixed(2)).join(", ");
    li.textContent = `${describe(n)} at (${p})${n.visible ? "" : " hidden"}`;
    li.classList.toggle("selected", n.id === state.selected);
    li.classList.toggle("hidden-node", !n.visible);
    li.addEventListener("click", () => post("/select", { id: n.id }));
    return li;
  }));
  $("undo").disabled = !state.can_undo;
  $("redo").disabled = !state.can_redo;
  if (state.message) showMessage(state.message, false);
}

async function showFrame(n, factor) {  // false when a newer view change came first
  const w = Math.max(1, Math.round(editor.width / factor)), h = Math.max(1, Math.round(editor.height / factor));
  const response = await fetch(`/render?mode=${editor.mode}&w=${w}&h=${h}&n=${n}`);
  if (!response.ok) throw new Error(`render failed (${response.status})`);
  const blob = await response.blob();
  if (n !== editor.renders) return false;
  const old = view.src;
  view.src = URL.createObjectURL(blob);
  await view.decode();
  if (old.startsWith("blob:")) URL.revokeObjectURL(old);
  return n === editor.renders;
}

async function reloadImage() {
  const n = ++editor.renders;
  editor.loading = true;
  updateState();
  try {
    if (await showFrame(n, PREVIEW) && await showFrame(n, 1)) editor.loading = false;
  } catch (err) {
    if (n === editor.renders) { editor.loading = false; showMessage(err.message, true); }
  }
  updateState();
}

async function post(path, body) {
  busy();
  try {
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
    showState(data);
    reloadImage();
    return data;
  } catch (err) {
    showMessage(err.message, true);
    return null;
  } finally {
    idle();
  }
}

function edit(op) {
  const node = selectedNode();
  if (!node) { showMessage("Select an object first (click it).", true); return; }
  post("/edit", { id: node.id, ...op });
}

function moveSelected(dRight, dForward) {
  const cam = editor.state.camera;
  const t = [0, 1, 2].map((i) => MOVE_STEP * (dRight * cam.right[i] + dForward * cam.forward[i]));
  edit({ op: "transform", translate: t });
}


function duplicateSelected() {  // the copy stands to the right of the original in the view
  const node = selectedNode();
  const gap = node ? 2 * node.radius + 0.1 : 0;
  edit({ op: "duplicate", offset: editor.state.camera.right.map((v) => v * gap) });
}

function orbit(dAz, dEl, zoom) {
  const cam = editor.state.camera;
  const elevation = Math.min(85, Math.max(5, cam.elevation + dEl));
  const radius = Math.min(30, Math.max(1, cam.radius * zoom));
  post("/camera", { azimuth: cam.azimuth + dAz, elevation, radius });
}

const KEYS = {
  ArrowLeft: () => moveSelected(-1, 0), a: () => moveSelected(-1, 0),
  ArrowRight: () => moveSelected(1, 0), d: () => moveSelected(1, 0),
  ArrowUp: () => moveSelected(0, 1), w: () => moveSelected(0, 1),
  ArrowDown: () => moveSelected(0, -1), s: () => moveSelected(0, -1),
  q: () => edit({ op: "transform", rotate_deg: TURN_DEG }),
  e: () => edit({ op: "transform", rotate_deg: -TURN_DEG }),
  "+": () => edit({ op: "transform", scale: SCALE_STEP }), "=": () => edit({ op: "transform", scale: SCALE_STEP }),
  "-": () => edit({ op: "transform", scale: 1 / SCALE_STEP }),
  Delete: () => edit({ op: "delete" }), Backspace: () => edit({ op: "delete" }),
  j: () => orbit(-ORBIT_DEG, 0, 1), l: () => orbit(ORBIT_DEG, 0, 1),
  i: () => orbit(0, TILT_DEG, 1), k: () => orbit(0, -TILT_DEG, 1),
};
const CTRL_KEYS = { d: duplicateSelected, z: () => post("/undo"), y: () => post("/redo") };

document.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.type === "text") return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const action = event.ctrlKey || event.metaKey
    ? (event.shiftKey && key === "z" ? () => post("/redo") : CTRL_KEYS[key])
    : KEYS[key];
  if (action) { event.preventDefault(); action(); }
});

view.addEventListener("click", (event) => {
  const rect = view.getBoundingClientRect();
  const x = Math.floor((event.clientX - rect.left) * editor.width / rect.width);
  const y = Math.floor((event.clientY - rect.top) * editor.height / rect.height);
  post("/pick", { x, y, w: editor.width, h: editor.height });
});

for (const radio of document.querySelectorAll("input[name=mode]")) {
  radio.addEventListener("change", () => { editor.mode = radio.value; reloadImage(); });
}
$("instruction-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = await post("/instruction", { text: $("instruction").value });
  if (data) $("instruction").value = "";
});
$("undo").addEventListener("click", () => post("/undo"));
$("redo").addEventListener("click", () => post("/redo"));
$("save").addEventListener("click", () => post("/save", { name: $("scene-name").value }));
$("load").addEventListener("click", () => post("/load", { name: $("scene-name").value }));
$("orbit-left").addEventListener("click", () => orbit(-ORBIT_DEG, 0, 1));
$("orbit-right").addEventListener("click", () => orbit(ORBIT_DEG, 0, 1));
$("orbit-up").addEventListener("click", () => orbit(0, TILT_DEG, 1));
$("orbit-down").addEventListener("click", () => orbit(0, -TILT_DEG, 1));
$("zoom-in").addEventListener("click", () => orbit(0, 0, 1 / ZOOM));
$("zoom-out").addEventListener("click", () => orbit(0, 0, ZOOM));

(async function start() {
  busy();
  view.width = editor.width;
  view.height = editor.height;
  if (editor.fit) {  // as wide as the column, as tall as the window leaves room for
    view.classList.add("fit");
    view.style.maxWidth = `calc((100vh - 230px) * ${editor.width / editor.height})`;
  }
  try {
    const response = await fetch("/scene");
    showState(await response.json());
    reloadImage();
  } finally {
    idle();
  }
})();
