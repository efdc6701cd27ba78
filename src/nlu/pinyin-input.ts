/**
 * A message typed in toneless pinyin, as a user without a Chinese input method writes it ("quxiao baoming",
 * "zhanhui zai nali", "nihao"), read back as the Chinese words the platform knows, so that cues, entities
 * and the model read Chinese. The message is converted only when it is pinyin through and through:
 *   - no CJK character, and every token is one or more valid pinyin syllables (so "I", "hello", "help",
 *     "patents" keep a message English: each of them fails the syllable test);
 *   - at least one run of tokens, or one token, of two or more syllables is a vocabulary word (a sentence of
 *     English words that happen to be syllables, "can you", has none).
 * Runs of up to five tokens are matched longest first ("fa ming" and "faming" → 发明); a token no run
 * covers is split into the fewest vocabulary words that spell it ("maizhuanli" → 买专利), else kept as written. English place names (hunan, wuhan, shanxi) are left to the gazetteer, which
 * reads them already and alone tells Shanxi 山西 from Shaanxi 陕西 (both "shanxi" without tones).
 * The vocabulary is data (VOCAB): its readings come from `pinyin-pro` on first use.
 */
import { pinyin } from 'pinyin-pro';
import { findPlaces } from '../domain/geo.js';

/** Words worth reading back, first wins when two share a reading (有 before 又, 是 before 事). */
const VOCAB = `专利 发明 实用新型 外观设计 政策 补贴 税收 优惠 奖励 扶持 资助 展会 博览会 交易会 报名 参展 参会 取消 订阅 退订
  删除 删掉 个人信息 个人 信息 数据 资料 账号 你好 您好 在吗 帮助 帮忙 帮我 功能 在哪里 在哪儿 哪里 在哪 什么时候 截止 签到
  名额 门票 费用 收费 免费 多少钱 地址 地点 场馆 时间 几点 购买 出售 转让 许可 投资 合作 研发 维权 侵权 需求 技术 联盟
  机构 代理 查询 搜索 看看 有没有 哪些 什么 怎么 如何 谢谢 通知 推送 消息 提醒 忘记 注销 电池 锂电池 新能源 汽车 光伏
  机器人 新材料 材料 医疗器械 医疗 芯片 人工智能 无人机 石墨烯 农业 化工 详情 详细 介绍 一下 我们 我的 想要 可以 不要
  记录 情况 举办 举行 开始 结束 参加 不去 了解 问问
  我 你 要 想 的 在 有 吗 是 了 不 能 吧 呢 个 看 查 找 买 卖 哪 和 去`
  .split(/\s+/)
  .filter(Boolean);

/** Initial (optional) and final of a toneless syllable; lone i/u/v are not syllables. */
const SYLLABLE = /^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|iao|ian|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|a|o|e|i|u|v)|a|o|e|ai|ei|ao|ou|an|en|er|ang|eng)$/;
const MAX_RUN = 5;
const MAX_TOKENS = 40;

let readings: Map<string, { word: string; syllables: number }> | undefined;
function vocabulary(): Map<string, { word: string; syllables: number }> {
  if (readings) return readings;
  readings = new Map();
  for (const word of VOCAB) {
    const key = pinyin(word, { toneType: 'none', type: 'array' }).join('').replace(/ü/g, 'v');
    if (!readings.has(key)) readings.set(key, { word, syllables: word.length });
  }
  return readings;
}

/** Whether `token` splits into valid syllables (dynamic programming over its prefixes). */
function isPinyin(token: string): boolean {
  const ok = [true];
  for (let end = 1; end <= token.length; end++) {
    ok[end] = false;
    for (let start = Math.max(0, end - 6); start < end && !ok[end]; start++) ok[end] = ok[start]! && SYLLABLE.test(token.slice(start, end));
  }
  return ok[token.length]!;
}

/** `token` as the fewest vocabulary words that spell it, or undefined (none for a place name). */
function split(token: string, vocab: ReadonlyMap<string, { word: string }>): string[] | undefined {
  if (findPlaces(token).length) return undefined;
  const best: (string[] | undefined)[] = [[]];
  for (let end = 1; end <= token.length; end++) {
    for (let start = Math.max(0, end - 12); start < end; start++) {
      const hit = vocab.get(token.slice(start, end));
      const before = best[start];
      if (hit && before && (!best[end] || before.length + 1 < best[end]!.length)) best[end] = [...before, hit.word];
    }
  }
  return best[token.length];
}

/** The message with its pinyin read back as Chinese, or unchanged when it is not wholly pinyin. */
export function fromPinyin(norm: string): string {
  if (/[\u3400-\u9fff]/.test(norm) || !/[a-z]/.test(norm)) return norm;
  const tokens = norm.trim().split(/[\s,.?!;:'"-]+/).filter(Boolean);
  if (!tokens.length || tokens.length > MAX_TOKENS || !tokens.every((t) => /^[a-z]+$/.test(t) && isPinyin(t))) return norm;
  const vocab = vocabulary();
  const out: string[] = [];
  let anchored = false;
  for (let i = 0; i < tokens.length; ) {
    let taken = 0;
    for (let j = Math.min(tokens.length, i + MAX_RUN); j > i; j--) {
      const key = tokens.slice(i, j).join('');
      const hit = vocab.get(key);
      if (!hit || findPlaces(tokens.slice(i, j).join(' ')).length) continue;
      out.push(hit.word);
      if (hit.syllables >= 2) anchored = true;
      taken = j - i;
      break;
    }
    if (!taken) {
      // One token written without spaces across words ("maizhuanli" 买专利): split into vocabulary words.
      const words = split(tokens[i]!, vocab);
      if (words && words.length > 1) anchored = true;
      out.push(words ? words.join('') : ` ${tokens[i]} `);
      taken = 1;
    }
    i += taken;
  }
  return anchored ? out.join('').replace(/\s+/g, ' ').trim() : norm;
}
