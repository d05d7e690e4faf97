/**
 * Test worker: a fresh isolate (its own copies of every module) that builds the same
 * MRG graph as mrg_streams_test.ts, restores the random state it is sent as JSON text,
 * and posts back the next draws.
 * @module
 */
import * as T from "../../mod.ts";
import { MRGRandomStreams } from "../mod.ts";

const self_ = globalThis as unknown as {
  onmessage: (e: MessageEvent<string>) => void;
  postMessage: (v: unknown) => void;
};
self_.onmessage = (e) => {
  const s = new MRGRandomStreams(1);
  const f = T.function([], [s.uniform([4]), s.normal([3], { dtype: "float32" })]);
  s.setState(e.data);
  self_.postMessage(JSON.stringify(f().map((v) => Array.from(v.data))));
};
