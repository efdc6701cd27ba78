/** A mainland mobile number or an e-mail address, as people type them in chat. */
const MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;
const EMAIL = /^[^\s@<>"]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

export type Contact = { phone: string; email?: undefined } | { email: string; phone?: undefined };

export function parseContact(text: string): Contact | undefined {
  const mobile = MOBILE.exec(text.replace(/[\s-]/g, ''))?.[1];
  if (mobile) return { phone: mobile };
  const t = text.trim();
  return EMAIL.test(t) && t.length <= 120 ? { email: t } : undefined;
}

export const YES = /^(?:同意|好的?|可以|是的?|确认|确定|yes|y|ok|okay|agree|i agree|confirm|sure)[.!。！]?$/i;
export const NO = /^(?:不同意|不要?|否|no|n|nope|disagree)[.!。！]?$/i;
export const LEAVE = /^(?:取消|退出|算了|不报了|不要了|cancel|quit|stop|exit)[.!。！]?$/i;
