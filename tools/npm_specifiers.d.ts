// Generated from the sources' npm: specifiers by npmDeclarations() in tools/build_npm.ts.
declare module "npm:@resvg/resvg-js@2.6.2" {
  export * from "@resvg/resvg-js";
}
declare module "npm:@viz-js/viz@3.31.0" {
  export * from "@viz-js/viz";
}
declare module "npm:mathjs@^15.2.0" {
  export * from "mathjs";
}
declare module "npm:onnxruntime-web@1.31.1" {
  export * from "onnxruntime-web";
}
declare module "npm:protobufjs@8.8.1" {
  export * from "protobufjs";
}
declare module "npm:vega-lite@6.4.3" {
  export * from "vega-lite";
}
declare module "npm:vega@6.4.0" {
  export * from "vega";
}
