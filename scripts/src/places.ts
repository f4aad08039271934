/** Where the generated children of a load go missing: seeded cities, each with its own hubs and centres. */
export const LOAD_PLACES = [
  { lat: 24.96, lon: 102.76, regionCode: '530111' },
  { lat: 25.04, lon: 102.71, regionCode: '530102' },
  { lat: 30.66, lon: 104.07, regionCode: '510104' },
  { lat: 34.27, lon: 108.94, regionCode: '610102' },
  { lat: 29.56, lon: 106.55, regionCode: '500103' },
  { lat: 29.16, lon: 107.1, regionCode: '500119' },
  { lat: 30.93, lon: 108.7, regionCode: '500235' },
] as const;
