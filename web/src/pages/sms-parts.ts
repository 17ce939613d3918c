/**
 * How many SMS parts a text takes (3GPP TS 23.038 §6.2.1 default alphabet; TS 23.040 §9.2.3.24.1
 * concatenation header): 160 GSM 7-bit characters in one part, 153 per part when split (extension
 * characters count twice); with any other character the text goes as UCS-2: 70 in one, 67 per part.
 */
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

export function smsParts(text: string): { chars: number; parts: number; ucs2: boolean } {
  let septets = 0;
  let ucs2 = false;
  for (const ch of text) {
    if (GSM7.includes(ch)) septets += 1;
    else if (GSM7_EXTENSION.includes(ch)) septets += 2;
    else {
      ucs2 = true;
      break;
    }
  }
  if (ucs2) {
    // UTF-16 code units: characters outside the BMP take two.
    const units = text.length;
    return { chars: units, parts: units === 0 ? 0 : units <= 70 ? 1 : Math.ceil(units / 67), ucs2 };
  }
  return { chars: septets, parts: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153), ucs2 };
}
