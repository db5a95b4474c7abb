// Uploads each chosen file in its own request with its own progress bar; rows appear as they land.
const section = document.querySelector("[data-upload-url]");
if (section) {
  const input = section.querySelector("input[type=file]");
  const list = section.querySelector("[data-upload-list]");
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];

  const upload = (file) => {
    const item = document.createElement("li");
    item.className = "upload-item";
    const name = document.createElement("span");
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "upload-status";
    item.append(name, bar, status);
    list.prepend(item);

    if (file.size > Number(section.dataset.maxBytes)) {
      status.textContent = "Too large for this server's upload limit.";
      item.classList.add("failed");
      return;
    }
    const body = new FormData();
    body.append("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", section.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", token);
    request.setRequestHeader("HX-Request", "true");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () => {
      if (request.status === 201) {
        bar.value = 100;
        status.textContent = "Uploaded: its row below shows the probe.";
        item.classList.add("done");
        const rows = document.getElementById("video-rows");
        rows.querySelector(".empty-row")?.remove();
        const holder = document.createElement("tbody");
        holder.innerHTML = request.responseText;
        const row = holder.firstElementChild;
        rows.prepend(row);
        window.htmx.process(row);
      } else {
        const holder = document.createElement("div");
        holder.innerHTML = request.responseText;
        status.textContent = holder.textContent.trim() || `Upload failed (${request.status}).`;
        item.classList.add("failed");
      }
    });
    request.addEventListener("error", () => {
      status.textContent = "The connection failed; try again.";
      item.classList.add("failed");
    });
    request.send(body);
  };

  input.addEventListener("change", () => {
    [...input.files].forEach(upload);
    input.value = "";
  });
}
