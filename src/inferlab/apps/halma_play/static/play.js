// HALMA play page: pick a direction and up to 3 primitives, then Go; the server answers with the new state.
const NAMES = ["up", "right", "down", "left"], PRIMS = ["EOS", "+1", "+2", "x2"];
let direction = null, option = [];

function showMove() {
  document.querySelectorAll("[data-dir]").forEach(b => b.classList.toggle("chosen", +b.dataset.dir === direction));
  document.getElementById("move").textContent =
    (direction === null ? "?" : NAMES[direction]) + " " + (option.map(p => PRIMS[p]).join(" ") || "EOS");
}

function show(state) {
  document.getElementById("panel").src = state.panel;
  document.getElementById("steps-left").textContent = state.steps_left;
  document.getElementById("trials-left").textContent = state.trials_left;
  document.getElementById("episode-left").textContent = state.episode_steps_left;
  document.getElementById("trials").textContent = state.trial_steps.map(
    (s, i) => `trial ${i + 1}: ${s} steps ${state.success[i] ? "(goal)" : "(limit)"}`).join("; ");
  const last = state.last;
  const status = document.getElementById("status");
  status.textContent = state.over ? "Episode over: press New episode." :
    last ? `${last.text}: ${last.reached ? "goal!" : last.valid ? "valid" : "invalid, you stay"}` : "Your move.";
  status.className = last && !last.valid ? "invalid" : "valid";
  document.getElementById("memo").innerHTML = state.memo.slice().reverse().map(m =>
    `<li><img src="${m.panel}" alt="memo panel"> <span class="${m.valid ? "valid" : "invalid"}">${m.text}
     (${m.valid ? "valid" : "invalid"})</span></li>`).join("");
  document.body.dataset.state = state.over ? "over" : "ready";
  document.body.dataset.moves = String(state.trial_steps.length) + ":" + state.memo.length;
}

async function call(path, body) {
  document.body.dataset.state = "busy";
  const res = await fetch(path, body === undefined ? {} : {method: "POST",
    headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
  const data = await res.json();
  if (!res.ok) { document.getElementById("status").textContent = data.error; document.body.dataset.state = "ready";
                 return; }
  show(data);
}

async function go() {
  if (direction === null) { document.getElementById("status").textContent = "Pick a direction first."; return; }
  const move = {direction, option: option.length ? option : [0]};
  direction = null; option = []; showMove();
  await call("/move", move);
}

document.querySelectorAll("[data-dir]").forEach(b => b.onclick = () => { direction = +b.dataset.dir; showMove(); });
document.querySelectorAll("[data-prim]").forEach(b => b.onclick = () => {
  if (option.length < 3) option.push(+b.dataset.prim); showMove(); });
document.getElementById("go").onclick = go;
document.getElementById("new").onclick = () => call("/new", {});
document.addEventListener("keydown", e => {
  const arrows = {ArrowUp: 0, ArrowRight: 1, ArrowDown: 2, ArrowLeft: 3};
  if (e.key in arrows) { direction = arrows[e.key]; e.preventDefault(); }
  else if (["1", "2", "3"].includes(e.key) && option.length < 3) option.push(+e.key);
  else if (e.key === "Backspace") option = [];
  else if (e.key === "Enter" || e.key === "0") { go(); return; }
  else return;
  showMove();
});
showMove();
call("/state");
