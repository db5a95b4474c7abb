// Keys of the sample labelling page (C-2): a class's key labels the frame, Backspace goes back, → skips.
import { bindCardKeys, classKeysOf } from "./card-keys.js";

bindCardKeys("#sample-card", {
  Backspace: "[data-action=back]", ArrowLeft: "[data-action=back]", ArrowRight: "[data-action=skip]",
}, classKeysOf("#sample-card"));
