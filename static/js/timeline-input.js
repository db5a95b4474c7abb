// Pointer and wheel on the timeline: wheel or pinch zooms around the pointer, Shift+wheel and
// dragging pan, a click seeks to the exact frame under it (and makes its track the active one), dragging a label boundary moves it (one
// edit), and the overview strip above moves the visible window.

const DRAG_START = 4; // CSS pixels a press must travel before it is a drag, not a click
const WHEEL_ZOOM = 0.0015; // zoom factor per wheel pixel (e^(delta * this))

export function bindTimeline(timeline, { onSeek, onMoveEdge, canEdit }, signal) {
  const { canvas, overview } = timeline;
  const local = (event, element) => {
    const box = element.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  let press = null;

  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const pixels = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? canvas.clientWidth : 1;
    const [x] = local(event, canvas);
    const sideways = event.shiftKey ? event.deltaY || event.deltaX : event.deltaX;
    if (Math.abs(sideways) > Math.abs(event.shiftKey ? 0 : event.deltaY)) {
      timeline.setView(timeline.start + (sideways * pixels * timeline.span) / timeline.cssWidth, timeline.span);
      return;
    }
    const frame = timeline.start + (x / timeline.cssWidth) * timeline.span;
    timeline.zoomAround(frame, Math.exp(event.deltaY * pixels * WHEEL_ZOOM));
  }, { passive: false, signal });

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [x, y] = local(event, canvas);
    const edge = canEdit() ? timeline.edgeNear(x, y) : null;
    press = { x, start: timeline.start, edge, row: timeline.rowAt(y), moved: false };
    canvas.setPointerCapture(event.pointerId);
  }, { signal });

  canvas.addEventListener("pointermove", (event) => {
    const [x, y] = local(event, canvas);
    if (!press) {
      canvas.style.cursor = canEdit() && timeline.edgeNear(x, y) != null ? "ew-resize" : "";
      return;
    }
    press.moved ||= Math.abs(x - press.x) >= DRAG_START;
    if (!press.moved) return;
    if (press.edge) {
      timeline.draw({ preview: edgePreview(timeline, press.edge, x) });
    } else {
      timeline.setView(press.start - ((x - press.x) * timeline.span) / timeline.cssWidth, timeline.span);
    }
  }, { signal });

  const release = (event, cancelled) => {
    if (!press) return;
    const [x] = local(event, canvas);
    const { edge, row, moved } = press;
    press = null;
    if (cancelled) {
      timeline.draw({ preview: null });
    } else if (edge && moved) {
      const preview = edgePreview(timeline, edge, x);
      timeline.draw({ preview: null });
      if (preview) onMoveEdge(preview);
    } else if (!moved) {
      onSeek(timeline.frameAt(x), row);
    }
  };
  canvas.addEventListener("pointerup", (event) => release(event, false), { signal });
  canvas.addEventListener("pointercancel", (event) => release(event, true), { signal });

  if (!overview) return;
  let steering = false;
  const centreOn = (event) => {
    const frame = timeline.overviewFrameAt(local(event, overview)[0]);
    timeline.setView(frame - timeline.span / 2, timeline.span);
  };
  overview.addEventListener("pointerdown", (event) => {
    steering = true;
    overview.setPointerCapture(event.pointerId);
    centreOn(event);
  }, { signal });
  overview.addEventListener("pointermove", (event) => { if (steering) centreOn(event); }, { signal });
  overview.addEventListener("pointerup", () => { steering = false; }, { signal });
  overview.addEventListener("dblclick", () => timeline.setView(0, timeline.frameCount), { signal });
}

/** The frames that dragging the change of class at `boundary` of a row to x relabels, and their new class;
 * null when it did not move. The boundary stays between its neighbours, so no stretch of a class disappears. */
function edgePreview(timeline, { row, boundary }, x) {
  const track = timeline.state.rows[row].track;
  const lowest = track.classStretch(boundary - 1)[0] + 1;
  const highest = track.classStretch(boundary)[1];
  const wanted = Math.round(timeline.start + (x / timeline.cssWidth) * timeline.span);
  const target = Math.min(highest, Math.max(lowest, wanted));
  if (target === boundary) return null;
  return target > boundary
    ? { row, first: boundary, last: target - 1, classId: track.classAt(boundary - 1) } // the left one grows
    : { row, first: target, last: boundary - 1, classId: track.classAt(boundary) }; // the right one grows
}
