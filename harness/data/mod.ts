/**
 * Data: `.npy` and HDF5 readers, `loadDataset` (ICs and reference trajectories from a file, with
 * a suite's own readers tried first), the hash-verified Zarr reference cache, and references read
 * a step window at a time (`ReferenceSource`).
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpy } from "./mod.ts";
 * const a = parseNpy(encodeNpy(new Float32Array([1, 2, 3]), [3]), "a.npy");
 * if (a.shape[0] !== 3) throw new Error();
 * ```
 * @module
 */
export { loadDataset, type LoadDatasetOptions, type LoadedDataset } from "./dataset.ts";
export { type Hdf5Tensor, readHdf5Tensor } from "./hdf5.ts";
export { encodeNpy, halfToFloat, type NpyArray, parseNpy, readNpy, writeNpy } from "./npy.ts";
export {
  type CachedReference,
  loadOrGenerateReference,
  openReference,
  type ReferenceHandle,
  type ReferenceRequest,
} from "./reference_cache.ts";
export {
  arrayFeatureSource,
  arrayReferenceSource,
  type FeatureSource,
  readWholeReference,
  type ReferenceSource,
  sliceFeatureSource,
  sliceReferenceSource,
  stepsPerWindow,
} from "./reference_source.ts";
export {
  featuredReference,
  type FeatureLayout,
  referenceFeatures,
  type ReferenceFeaturesHandle,
} from "./reference_features.ts";
