/**
 * The messages `npm run bench:e2e` sends: about 60% patent searches (Chinese and English technology
 * words from content/demo-patents.jsonl titles and the glossary, some with a province or a patent
 * type), 25% policy questions and 15% small talk / help. The order is a fixed shuffle, so every run
 * (and the framework floor) gets the same sequence.
 */
export const SEARCHES = [
  '锂电池 专利',
  '磷酸铁锂正极材料',
  '湖北 锂电池 专利',
  '武汉的光纤专利',
  '半导体激光器芯片',
  '有没有关于北斗导航的专利',
  '搜一下石墨烯专利',
  '湖南 工程机械 发明专利',
  '长沙 混凝土泵车',
  '水稻 基因编辑',
  '硬质合金 制备方法',
  '河南 轴承 实用新型',
  '洛阳 拖拉机 变速器',
  '金刚石砂轮 专利',
  '安徽的语音识别专利',
  '量子密钥分发',
  '合肥 Mini LED 背光',
  '江西省稀土相关的专利有哪些',
  '查找赣州稀土永磁材料技术',
  '锂云母提锂',
  '山西 煤层气 实用新型',
  '帮我找找太原的煤化工专利',
  '燃料电池 双极板',
  '焦炉煤气余热回收',
  'lithium battery patents in Hubei',
  'optical fiber',
  'semiconductor laser chip patents',
  'find patents about fuel cells in Shanxi',
  'rare earth patents in Jiangxi',
  'quantum key distribution',
  'speech recognition patents in Anhui',
  'search for utility model patents on bearings',
  'invention patents on cemented carbide in Hunan',
  'patents on lipid nanoparticles for mRNA',
  'patents on lane change decisions for intelligent driving',
  'diamond wire saw patents',
];

export const POLICIES = [
  '湖南的专利质押融资政策',
  '湖北有哪些专利转化的补贴政策',
  '河南省对专利质押融资有什么支持',
  '安徽 专利奖励',
  '江西的税收优惠政策',
  '山西省专利资助标准是多少',
  '在武汉转化专利能拿多少补贴',
  '有什么优惠政策吗',
  'Hubei patent subsidies',
  'policy for patent pledge financing in Jiangxi',
  'Hunan: is there a subsidy if we turn our patents into products?',
  'tax incentives for technology transfer',
];

export const SMALL_TALK = ['你好', 'help', '谢谢', '/help', 'hello', '你能做什么', 'thanks', '/start'];

export type Kind = 'search' | 'policy' | 'talk';

/** Deterministic 32-bit PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` messages in the 60/25/15 mix, in a fixed pseudo-random order. */
export function mix(n: number, seed = 20260401): { kind: Kind; text: string }[] {
  const r = rng(seed);
  const out: { kind: Kind; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    const [kind, list]: [Kind, string[]] = x < 0.6 ? ['search', SEARCHES] : x < 0.85 ? ['policy', POLICIES] : ['talk', SMALL_TALK];
    out.push({ kind, text: list[Math.floor(r() * list.length)]! });
  }
  return out;
}
