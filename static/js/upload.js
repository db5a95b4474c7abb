// Uploads each chosen file in its own request with its own progress bar; rows appear as they land.
const section = document.querySelector("[data-upload-url]");
if (section) bindUploads(section);

function bindUploads(section) {
  const input = section.querySelector("input[type=file]");
  const list = section.querySelector("[data-upload-list]");
  const clear = section.querySelector("[data-upload-clear]");
  const showClear = () => { clear.hidden = !list.querySelector(".done, .failed"); };
  clear.addEventListener("click", () => {
    list.querySelectorAll(".done, .failed").forEach((item) => item.remove());
    showClear();
  });
  input.addEventListener("change", () => {
    [...input.files].forEach((file) => upload(section, file, uploadItem(list, file, showClear)));
    input.value = "";
  });
}

/** The file's line in the list: its name, a progress bar and, once it ends, how it went. */
function uploadItem(list, file, showClear) {
  const item = document.createElement("li");
  item.className = "upload-item";
  const name = document.createElement("span");
  name.textContent = file.name;
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  const status = document.createElement("span");
  status.className = "upload-status";
  const dismiss = document.createElement("button");
  Object.assign(dismiss, { type: "button", className: "link dismiss", textContent: "×", hidden: true });
  dismiss.setAttribute("aria-label", `Dismiss ${file.name}`);
  dismiss.addEventListener("click", () => { item.remove(); showClear(); });
  item.append(name, bar, status, dismiss);
  list.prepend(item);
  const finish = (outcome, message) => {
    item.classList.add(outcome);
    status.textContent = message;
    if (outcome === "failed") bar.remove(); // a full bar would say it worked: the file was sent, not kept
    dismiss.hidden = false;
    showClear();
  };
  return { bar, status, finish };
}

function upload(section, file, { bar, status, finish }) {
  if (file.size > Number(section.dataset.maxBytes)) {
    finish("failed", "Too large for this server's upload limit.");
    return;
  }
  const body = new FormData();
  body.append("file", file, file.name);
  const request = new XMLHttpRequest();
  request.open("POST", section.dataset.uploadUrl);
  request.setRequestHeader("X-CSRFToken", JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]);
  request.setRequestHeader("HX-Request", "true");
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
  });
  request.upload.addEventListener("load", () => { status.textContent = "Sent; checking it…"; });
  request.addEventListener("load", () => {
    if (request.status === 201) {
      bar.value = 100;
      finish("done", "Uploaded: its row below shows the probe.");
      addRow(request.responseText);
    } else {
      const holder = document.createElement("div");
      holder.innerHTML = request.responseText;
      finish("failed", holder.textContent.trim() || `Upload failed (${request.status}).`);
    }
  });
  request.addEventListener("error", () => finish("failed", "The connection failed; try again."));
  request.send(body);
}

function addRow(html) {
  const rows = document.getElementById("video-rows");
  rows.querySelector(".empty-row")?.remove();
  const holder = document.createElement("tbody");
  holder.innerHTML = html;
  const row = holder.firstElementChild;
  rows.prepend(row);
  window.htmx.process(row);
}
