// The data API: datasets, batching, built-in datasets, MNIST digits and CSV loading.
export { TensorDataset, DataLoader, permutation } from './dataset.js';
export type { Batch, Dataset, DataLoaderOptions } from './dataset.js';
export {
  tutorial,
  xor,
  circles,
  moons,
  spirals,
  blobs,
  loadDataset,
  isDatasetName,
  DATASET_NAMES,
  DEFAULT_NOISE,
} from './datasets.js';
export type {
  FloatDType,
  TutorialOptions,
  SyntheticOptions,
  CirclesOptions,
  SpiralsOptions,
  BlobsOptions,
  DatasetName,
  LoadDatasetOptions,
} from './datasets.js';
export { digits, DIGIT_PIXELS, DIGITS_TRAIN_PER_CLASS } from './digits.js';
export type { DigitsOptions } from './digits.js';
export { loadCsv, parseCsv, loadCsvFeatures, parseCsvFeatures, parseCsvTable } from './csv.js';
export type { CsvReadOptions, CsvTable, CsvStats, CsvOptions, CsvData, CsvFeaturesOptions, CsvFeatures } from './csv.js';
