// The player's keyboard (the ? panel lists it): moving, marking, zooming and, for editors, labelling.
import { bindShortcuts } from "./shortcuts.js";

export class PlayerKeys {
  constructor(page) {
    this.aborter = new AbortController();
    const keymap = { ...movingKeys(page), ...viewKeys(page), ...markKeys(page) };
    if (page.canEdit) Object.assign(keymap, labelKeys(page));
    bindShortcuts(keymap, this.aborter.signal, (event) => { // letting go of the painting class's key
      if (page.paint.isPainting(page.byKey[event.key.toLowerCase()]?.id)) page.paint.finish();
    });
  }

  destroy() {
    this.aborter.abort();
  }
}

function movingKeys(page) {
  const { player } = page;
  const jump = (next) => { // to the next or previous change on the active track, saying which where there are several
    const { track, where } = page.activeEdits;
    const target = next ? track.nextChange(player.target) : track.previousChange(player.target);
    if (target != null) player.seekToFrame(target);
    if (where) page.say(target == null ? `No ${next ? "later" : "earlier"} change${where}.` : `Change${where}: frame ${target}.`);
  };
  const frames = (seconds) => Math.max(1, Math.round(player.fps * seconds));
  return {
    " ": () => player.toggle(),
    ArrowRight: () => player.step(1),
    ArrowLeft: () => player.step(-1),
    "Shift+ArrowRight": () => player.step(frames(0.25)),
    "Shift+ArrowLeft": () => player.step(-frames(0.25)),
    ArrowUp: () => player.step(frames(0.5)),
    ArrowDown: () => player.step(-frames(0.5)),
    "Shift+ArrowUp": () => player.step(frames(1)),
    "Shift+ArrowDown": () => player.step(-frames(1)),
    PageDown: () => jump(true),
    PageUp: () => jump(false),
    Home: () => player.seekToFrame(0),
    End: () => player.seekToFrame(player.frameCount - 1),
    "[": () => player.setRate(player.video.playbackRate / 2),
    "]": () => player.setRate(player.video.playbackRate * 2),
  };
}

function viewKeys({ root, player, timeline }) {
  const help = root.querySelector("[data-help]");
  return {
    "+": () => timeline.zoomAround(player.target + 0.5, 0.5),
    "=": () => timeline.zoomAround(player.target + 0.5, 0.5),
    "-": () => timeline.zoomAround(player.target + 0.5, 2),
    "\\": () => timeline.setView(0, timeline.frameCount),
    "?": () => { help.hidden = !help.hidden; },
    g: () => {
      const field = root.querySelector("[name=goto]");
      field.value = player.target;
      field.focus();
      field.select();
    },
  };
}

function markKeys(page) {
  return {
    i: () => { page.marks.markIn(page.player.target); page.redraw(); },
    o: () => { page.marks.markOut(page.player.target); page.redraw(); },
    Escape: () => { page.marks.clear(); page.root.querySelector("[data-help]").hidden = true; page.redraw(); },
  };
}

function labelKeys(page) {
  const keys = { "Ctrl+z": () => page.activeEdits.undo() };
  for (const labelClass of page.classes.filter((c) => c.shortcut)) {
    keys[labelClass.shortcut] = (event) => { if (!event.repeat) page.useClass(labelClass); };
  }
  return keys;
}
