// The device facts a result records (docs/leaderboard.md, "device"): what the browser says about itself.
import type { LoadInfo } from '../../worker/worldmodel';

export interface WebGpuInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface DeviceFacts {
  browser: string;
  browser_version: string;
  os: string;
  device_class: 'desktop' | 'mobile' | 'tablet' | 'unknown';
  cores: number;
  device_memory_gb: number | null;
  cross_origin_isolated: boolean;
  threads: number;
  simd: boolean;
  webgpu: WebGpuInfo | null;
}

interface UADataBrand {
  brand: string;
  version: string;
}
interface UAData {
  brands: UADataBrand[];
  mobile: boolean;
  platform: string;
  getHighEntropyValues(hints: string[]): Promise<{ fullVersionList?: UADataBrand[]; platform?: string; formFactors?: string[] }>;
}

/** Brands that say nothing about the browser: GREASE entries ("Not A;Brand") and the engine. */
const isRealBrand = (b: UADataBrand) => !/not.?a.?brand/i.test(b.brand) && b.brand !== 'Chromium';

function browserFromUa(ua: string): { browser: string; version: string } {
  const patterns: [string, RegExp][] = [
    ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
    ['Opera', /OPR\/([\d.]+)/],
    ['Samsung Internet', /SamsungBrowser\/([\d.]+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
    ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
    ['Safari', /Version\/([\d.]+).*Safari/],
  ];
  for (const [browser, re] of patterns) {
    const m = ua.match(re);
    if (m) return { browser, version: m[1] };
  }
  return { browser: 'unknown', version: '' };
}

function osFromUa(ua: string): string {
  if (/Windows/.test(ua)) return 'Windows';
  if (/Android/.test(ua)) return 'Android';
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS';
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Linux/.test(ua)) return 'Linux';
  return 'unknown';
}

function deviceClassFromUa(ua: string): DeviceFacts['device_class'] {
  if (/iPad|Tablet/i.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) return 'tablet';
  if (/Mobi|iPhone|Android/i.test(ua)) return 'mobile';
  return /Windows|Macintosh|Linux|CrOS/.test(ua) ? 'desktop' : 'unknown';
}

/** Short major.minor form ("156.0"): the leaderboard compares versions, not builds. */
const majorMinor = (version: string) => version.split('.').slice(0, 2).join('.');

async function browserFacts(): Promise<Pick<DeviceFacts, 'browser' | 'browser_version' | 'os' | 'device_class'>> {
  const ua = navigator.userAgent;
  const fromUa = browserFromUa(ua);
  const uaData = (navigator as Navigator & { userAgentData?: UAData }).userAgentData;
  if (!uaData) return { browser: fromUa.browser, browser_version: majorMinor(fromUa.version), os: osFromUa(ua), device_class: deviceClassFromUa(ua) };
  let brands = uaData.brands;
  let formFactors: string[] = [];
  try {
    const high = await uaData.getHighEntropyValues(['fullVersionList', 'formFactors']);
    brands = high.fullVersionList ?? brands;
    formFactors = high.formFactors ?? [];
  } catch {
    // the low-entropy brands are enough
  }
  const brand = brands.find(isRealBrand) ?? brands.find((b) => b.brand === 'Chromium');
  const browser = brand ? (brand.brand === 'Google Chrome' ? 'Chrome' : brand.brand === 'Microsoft Edge' ? 'Edge' : brand.brand) : fromUa.browser;
  const deviceClass = formFactors.includes('Tablet') ? 'tablet' : uaData.mobile ? 'mobile' : formFactors.includes('Desktop') ? 'desktop' : deviceClassFromUa(ua);
  const os = uaData.platform === 'Chrome OS' ? 'ChromeOS' : uaData.platform || osFromUa(ua);
  return { browser, browser_version: majorMinor(brand?.version ?? fromUa.version), os, device_class: deviceClass };
}

/** The WebGPU adapter's description, or null: absent API, no adapter, or no answer within `timeoutMs`. */
async function webGpuInfo(timeoutMs = 2000): Promise<WebGpuInfo | null> {
  type Adapter = { info?: Partial<WebGpuInfo> };
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return null;
  try {
    // Some drivers never answer requestAdapter: the run must not wait on it.
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
    const adapter = await Promise.race([gpu.requestAdapter(), timeout]);
    const info = adapter?.info;
    if (!info) return null;
    return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  } catch {
    return null;
  }
}

export async function deviceFacts(info: LoadInfo | null): Promise<DeviceFacts> {
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    ...(await browserFacts()),
    cores: navigator.hardwareConcurrency || 1,
    device_memory_gb: typeof memory === 'number' ? memory : null,
    cross_origin_isolated: self.crossOriginIsolated === true,
    threads: info?.threads ?? 1,
    simd: info?.simd ?? false,
    webgpu: await webGpuInfo(),
  };
}
