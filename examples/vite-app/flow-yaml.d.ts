// Lets TypeScript accept `import … from "./x.flow.yaml"` (everything imported is `any`). The compiled module
// is fully typed: for type-checked step signatures, run `flowspec build` or `flowspec watch` and import the
// generated .ts instead (same exports).
declare module "*.flow.yaml";
