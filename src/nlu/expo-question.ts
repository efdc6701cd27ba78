/**
 * Which detail of the expo a question asks for, so `expo_info` can answer that line first:
 * the registration deadline, check-in (opening time, where to sign in), capacity and places left,
 * the venue, the fee. Undefined for a general question ("介绍一下博览会").
 */
import { corrected } from './fuzzy.js';
import { normalize } from './normalize.js';

export type ExpoSubQuestion = 'deadline' | 'checkin' | 'capacity' | 'venue' | 'fee';

const SUB: readonly (readonly [ExpoSubQuestion, RegExp])[] = [
  ['deadline', /截止|截至|截到|最晚|最迟|(?:报名|通道|入口|窗口)(?:什么|啥)?.{0,3}(?:什么时候|啥时候|何时|哪天|几号)(?:关|停|结束|截止)|还能(?:不能)?报|还来得及|(?:报名|登记|注册)(?:到|到什么时候|到哪天|什么时候结束|几号结束)|\b(?:deadline|last (?:day|date)|closes?|closing date|too late|still (?:register|sign up)|until when)\b/],
  ['checkin', /签到|入场时间|几点(?:开始|开门|入场|进场)?|开门|进场|入场|检票|\b(?:check[- ]?in|doors? open|what time|opening (?:time|hours)|admission time|entry time)\b/],
  ['capacity', /名额|容纳|多少人|几个人|人数|满了|满员|规模|还有(?:没有)?位置|位置(?:还)?(?:够|有)|座位|空位|余位|\b(?:capacity|how many (?:people|visitors|attendees|places|seats|spots)|spots? left|places? left|seats? left|full|sold out|hold)\b/],
  ['fee', /收费|免费|门票|票价|买票|购票|要票|票贵|贵不贵|贵吗|便宜|多少钱|要钱|花钱|交钱|交费|缴费|付钱|给钱|费用|付费|\b(?:fee|fees|free|cost|costs|price|paid|pay|ticket|tickets|charge|expensive|cheap)\b/],
  ['venue', /场馆|展馆|会场|地点|地址|在哪|哪里|哪儿|哪个(?:城市|地方|馆)|怎么去|交通|\b(?:venue|where|location|address|hall|how (?:do i|to) get there)\b/],
];

/** The sub-question of a message as typed (normalised and typo-corrected first), for the expo handler. */
export function expoSubQuestionOf(text: string): ExpoSubQuestion | undefined {
  return expoSubQuestion(corrected(normalize(text)));
}

/** The sub-question of an already normalised and corrected text. */
export function expoSubQuestion(norm: string): ExpoSubQuestion | undefined {
  for (const [sub, re] of SUB) if (re.test(norm)) return sub;
  return undefined;
}
