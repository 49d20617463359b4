#include "gallery_assets.h"

namespace zc::daemon {

namespace {

constexpr std::string_view kPage = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zipcatcher gallery</title>
<link rel="stylesheet" href="/static/gallery.css">
<script src="/static/gallery.js" defer></script>
</head>
<body>
<header>
  <h1>Transit gallery</h1>
  <div class="tools">
    <label>Show <select id="filter">
      <option value="all">all</option><option value="sun">sun</option><option value="moon">moon</option>
    </select></label>
    <button type="button" id="forget-token">Forget token</button>
  </div>
</header>
<p id="status" role="status"></p>
<details id="upload-box">
  <summary>Upload an image</summary>
  <form id="upload-form">
    <label>Image <input type="file" name="file" id="upload-file" accept="image/png,image/jpeg,image/gif" required></label>
    <label>Flight <input name="flight_id" id="upload-flight"></label>
    <label>Aircraft <input name="aircraft_type"></label>
    <label>Target <select name="target" id="upload-target"><option value="">-</option><option value="sun">sun</option><option value="moon">moon</option></select></label>
    <label>Caption <input name="caption" id="upload-caption"></label>
    <label>Equipment <input name="equipment"></label>
    <label>Latitude <input name="observer_lat" type="number" step="0.0001" min="-90" max="90"></label>
    <label>Longitude <input name="observer_lon" type="number" step="0.0001" min="-180" max="180"></label>
    <button type="submit" id="upload-submit">Upload</button>
  </form>
</details>
<main id="grid" aria-live="polite"></main>
<div id="lightbox" hidden><img alt=""><p class="lb-caption"></p></div>
<dialog id="edit-dialog">
  <form id="edit-form" method="dialog">
    <input type="hidden" name="filepath">
    <label>Flight <input name="flight_id"></label>
    <label>Aircraft <input name="aircraft_type"></label>
    <label>Target <select name="target"><option value="">-</option><option value="sun">sun</option><option value="moon">moon</option></select></label>
    <label>Caption <input name="caption" id="edit-caption"></label>
    <label>Equipment <input name="equipment"></label>
    <label>Latitude <input name="observer_lat" type="number" step="0.0001" min="-90" max="90"></label>
    <label>Longitude <input name="observer_lon" type="number" step="0.0001" min="-180" max="180"></label>
    <div class="row"><button type="button" id="edit-cancel">Cancel</button><button type="submit" id="edit-save">Save</button></div>
  </form>
</dialog>
</body>
</html>
)HTML";

constexpr std::string_view kScript = R"JS('use strict';
// Zipcatcher gallery page. Reads are public; writes send the token kept in localStorage.
(function () {
  const TOKEN_KEY = 'galleryAuthToken';
  const FIELDS = ['flight_id', 'aircraft_type', 'target', 'caption', 'equipment', 'observer_lat', 'observer_lon'];
  const $ = (sel) => document.querySelector(sel);
  let images = [];

  function status(text, isError) {
    const s = $('#status');
    s.textContent = text;
    s.className = isError ? 'error' : '';
  }

  function token() {
    let t = localStorage.getItem(TOKEN_KEY);
    if (!t) {
      t = window.prompt('Gallery token (gallery.auth_token on the server):');
      if (!t) return null;
      localStorage.setItem(TOKEN_KEY, t.trim());
    }
    return localStorage.getItem(TOKEN_KEY);
  }

  async function write(method, url, body) {
    const t = token();
    if (!t) { status('A token is needed to change the gallery.', true); return null; }
    const res = await fetch(url, { method, body, headers: { Authorization: 'Bearer ' + t } });
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    if (res.status === 401) localStorage.removeItem(TOKEN_KEY);
    if (!res.ok) { status((data.error || ('HTTP ' + res.status)), true); return null; }
    return data;
  }

  function card(item) {
    const m = item.metadata || {};
    const el = document.createElement('figure');
    el.className = 'card';
    el.dataset.path = item.path;
    el.dataset.target = m.target || '';
    const img = document.createElement('img');
    img.src = '/' + item.full_path;
    img.alt = m.caption || item.filename;
    img.loading = 'lazy';
    img.addEventListener('click', () => openLightbox(item));
    const cap = document.createElement('figcaption');
    const title = document.createElement('span');
    title.className = 'caption';
    title.textContent = m.caption || item.filename;
    const info = document.createElement('small');
    info.textContent = [m.target, m.flight_id, m.aircraft_type, (m.timestamp || '').replace('T', ' ').slice(0, 19)]
      .filter(Boolean).join(' · ');
    const edit = document.createElement('button');
    edit.type = 'button'; edit.className = 'edit'; edit.textContent = 'Edit';
    edit.addEventListener('click', () => openEdit(item));
    const del = document.createElement('button');
    del.type = 'button'; del.className = 'delete'; del.textContent = 'Delete';
    del.addEventListener('click', () => remove(item));
    cap.append(title, info, edit, del);
    el.append(img, cap);
    return el;
  }

  function render() {
    const f = $('#filter').value;
    const grid = $('#grid');
    grid.replaceChildren();
    const shown = images.filter((i) => f === 'all' || ((i.metadata || {}).target || '') === f);
    for (const item of shown) grid.append(card(item));
    if (!shown.length) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = 'No images yet.';
      grid.append(p);
    }
  }

  async function load() {
    const res = await fetch('/gallery/list', { cache: 'no-cache' });
    images = res.ok ? await res.json() : [];
    render();
  }

  function openLightbox(item) {
    const lb = $('#lightbox');
    lb.querySelector('img').src = '/' + item.full_path;
    lb.querySelector('.lb-caption').textContent = (item.metadata || {}).caption || item.filename;
    lb.hidden = false;
  }

  function openEdit(item) {
    const form = $('#edit-form');
    const m = item.metadata || {};
    form.elements.filepath.value = item.path;
    for (const f of FIELDS) form.elements[f].value = m[f] || '';
    $('#edit-dialog').showModal();
  }

  async function saveEdit(ev) {
    ev.preventDefault();
    const form = $('#edit-form');
    const path = form.elements.filepath.value;
    const data = await write('POST', '/gallery/update/' + path, new FormData(form));
    $('#edit-dialog').close();
    if (data) { status('Saved.'); await load(); }
  }

  async function remove(item) {
    if (!window.confirm('Delete ' + item.filename + '?')) return;
    const data = await write('DELETE', '/gallery/delete/' + item.path);
    if (data) { status('Deleted ' + item.filename + '.'); await load(); }
  }

  async function upload(ev) {
    ev.preventDefault();
    const form = $('#upload-form');
    const data = await write('POST', '/gallery/upload', new FormData(form));
    if (data) { status('Uploaded ' + data.filename + '.'); form.reset(); await load(); }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#filter').addEventListener('change', render);
    $('#upload-form').addEventListener('submit', upload);
    $('#edit-form').addEventListener('submit', saveEdit);
    $('#edit-cancel').addEventListener('click', () => $('#edit-dialog').close());
    $('#lightbox').addEventListener('click', () => { $('#lightbox').hidden = true; });
    $('#forget-token').addEventListener('click', () => {
      localStorage.removeItem(TOKEN_KEY);
      status('Token forgotten.');
    });
    load().catch((e) => status('Cannot load the gallery: ' + e, true));
  });
})();
)JS";

constexpr std::string_view kStyle = R"CSS(* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #111; color: #eee; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
         gap: .5rem; padding: .5rem 1rem; background: #1c1c1c; }
h1 { font-size: 1.2rem; margin: 0; }
.tools { display: flex; gap: .5rem; align-items: center; }
button, select, input { font: inherit; padding: .4rem .6rem; border-radius: 4px; border: 1px solid #555;
         background: #222; color: #eee; }
button { cursor: pointer; }
#status { min-height: 1.4em; margin: .5rem 1rem; }
#status.error { color: #ff7b7b; }
details { margin: 0 1rem 1rem; }
form { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); margin-top: .5rem; }
form label { display: flex; flex-direction: column; font-size: .85rem; }
#grid { display: grid; gap: .75rem; padding: 0 1rem 1rem;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); }
.card { margin: 0; background: #1c1c1c; border-radius: 6px; overflow: hidden; }
.card img { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; display: block; cursor: zoom-in; background: #000; }
.card figcaption { padding: .5rem; display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.card .caption { flex: 1 1 100%; font-weight: 600; }
.card small { flex: 1 1 100%; color: #aaa; }
#lightbox { position: fixed; inset: 0; background: rgba(0, 0, 0, .92); display: flex; flex-direction: column;
            align-items: center; justify-content: center; z-index: 10; }
#lightbox[hidden] { display: none; }
#lightbox img { max-width: 100%; max-height: 90vh; }
dialog { background: #1c1c1c; color: #eee; border: 1px solid #555; width: min(40rem, 95vw); }
dialog form { grid-template-columns: 1fr; }
.row { display: flex; gap: .5rem; justify-content: flex-end; }
.empty { color: #aaa; }
)CSS";

const Asset kPageAsset{"text/html; charset=utf-8", kPage};
const Asset kScriptAsset{"text/javascript; charset=utf-8", kScript};
const Asset kStyleAsset{"text/css; charset=utf-8", kStyle};

}  // namespace

const Asset* find_asset(std::string_view path) {
    if (path == "/gallery")
        return &kPageAsset;
    if (path == "/static/gallery.js")
        return &kScriptAsset;
    if (path == "/static/gallery.css")
        return &kStyleAsset;
    return nullptr;
}

}  // namespace zc::daemon
