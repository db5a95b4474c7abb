// Keys of the sample labelling page (C-2): a class's key labels the frame on its track, Enter takes what the
// unanswered tracks say, Backspace goes back, → skips.
import { bindCardKeys, classKeysOf } from "./card-keys.js";

bindCardKeys("#sample-card", {
  Backspace: "[data-action=back]", ArrowLeft: "[data-action=back]", ArrowRight: "[data-action=skip]",
  Enter: "[data-action=accept]",
}, classKeysOf("#sample-card"));
