import "@testing-library/dom";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// CI machines are shared and noisy: a debounced request may take seconds to settle there, so the
// find* queries wait up to 5 s (the 1 s default failed a passing test under load).
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
