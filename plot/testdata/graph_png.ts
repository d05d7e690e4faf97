/** For plot/graph_test.ts: draws a graph to PNG (resvg needs --allow-ffi under Deno) and prints its size. */
import * as T from "../../mod.ts";
import { graphPicture, pngInfo } from "../mod.ts";

const png = await graphPicture(T.exp(T.dvector("x")), { format: "png", scale: 1 });
const { width, height } = pngInfo(png);
console.log(`${width}x${height}`);
