import type { Phrases } from "./Phrases.js"

// Plural imperatives ("שלחו") are the usual gender-neutral way to address one person in Hebrew.
const rejections = {
  unreadable: "לא הצלחתי לפתוח את הקובץ. שלחו בבקשה תמונה רגילה (JPEG, PNG או HEIC).",
  too_small: "התמונה קטנה מדי. שלחו בבקשה תמונה של 512×512 פיקסלים לפחות.",
  no_person: "לא מצאתי אדם בתמונה הזאת.",
  baby: "נראה שבתמונה הזאת יש תינוק. אפשר להכין תמונות תדמית של גברים, נשים, ילדים וילדות.",
  someone_else: "נראה שבתמונה הזאת מישהו אחר. שלחו בבקשה תמונות של אותו אדם בלבד.",
  low_quality: "איכות התמונה נמוכה מדי. שלחו בבקשה תמונה ברורה יותר, שצולמה במצלמה טובה.",
  multiple_people: "יש בתמונה יותר מאדם אחד. שלחו בבקשה תמונות שרק אתם בהן.",
  funny_face: "פרצוף מצחיק! 😄 לתמונות תדמית עדיפה הבעה טבעית.",
  blurry: "התמונה קצת מטושטשת. שלחו בבקשה תמונה חדה יותר.",
  sunglasses: "הורידו בבקשה את משקפי השמש לתמונה הזאת.",
  hat: "שלחו בבקשה תמונה בלי כובע.",
  too_dark: "התמונה חשוכה מדי. נסו תמונה עם יותר אור.",
  washed_out: "התמונה בהירה מדי. נסו תמונה באור רך יותר.",
  duplicate: "התמונה הזאת (או אחת דומה מאוד) כבר נשלחה. שלחו בבקשה תמונה אחרת.",
  too_large: "הקובץ גדול מדי בשבילי. שלחו בבקשה את התמונה כתמונה רגילה ולא כקובץ."
} as const

const classNames = { man: "גבר", woman: "אישה", boy: "ילד", girl: "ילדה" } as const

const tierNames = { Lite: "לייט", Standard: "סטנדרט", Premium: "פרימיום" } as const

const starLabels = ["חלש", "יכול להיות יותר טוב", "בסדר", "טוב", "מעולה"] as const

export const hebrew: Phrases = {
  welcome: {
    body: "היי! 👋 אני הופך סלפי לתמונות תדמית מקצועיות בעזרת AI. מה תרצו לעשות?",
    button: "תפריט",
    begin: { title: "בואו נתחיל", description: "שולחים תמונות ומקבלים תמונות תדמית" },
    howItWorks: { title: "איך זה עובד", description: "שלושה צעדים קצרים" },
    changeLanguage: { title: "החלפת שפה", description: "עברית / English" },
    support: { title: "תמיכה", description: "שיחה עם נציג מהצוות שלנו" },
    deleteData: { title: "מחיקת המידע שלי", description: "מחיקת התמונות וההיסטוריה שלכם" }
  },
  howItWorks: (threshold) =>
    `1. שלחו לי לפחות ${threshold} תמונות ברורות שלכם.\n` +
    "2. בחרו חבילת סגנון ושלמו בצורה מאובטחת.\n" +
    "3. תוך זמן קצר תמונות התדמית שלכם יגיעו לכאן. ✨",
  letsBegin: "בואו נתחיל",
  guidelines: (threshold) =>
    `שלחו לי לפחות ${threshold} תמונות ברורות שרק אתם בהן. 📸\n` +
    "• זוויות, מקומות והבעות שונים\n" +
    "• הפנים נראות היטב, באור טוב\n" +
    "• בלי משקפי שמש, כובעים, פילטרים או תמונות קבוצתיות",
  imReady: "אני מוכן/ה",
  showExamples: "הראו לי דוגמאות",
  sendPhotosNow: (threshold) => `מעולה! שלחו עכשיו את התמונות, ${threshold} או יותר. אפשר לשלוח את כולן בבת אחת.`,
  goodExample: "✅ דוגמה טובה",
  badExample: "❌ כדאי להימנע מתמונות כאלה",
  chooseLanguage: "באיזו שפה תרצו לדבר?",
  languageChanged: "בוצע! מעכשיו אדבר עברית.",
  supportOnItsWay: "תודה! נציג מהצוות שלנו יחזור אליכם כאן בקרוב. 🙏",
  confirmDelete: "הפעולה תמחק לצמיתות את התמונות, המודלים וההיסטוריה שלכם. להמשיך?",
  yesDelete: "כן, למחוק",
  cancel: "ביטול",
  dataDeleted: "כל המידע שלכם נמחק. אם תרצו לחזור, פשוט כתבו לי היי. 👋",
  nothingDeleted: "בסדר, שום דבר לא נמחק.",
  unsupported: "סליחה, אני יודע לקרוא רק טקסט, תמונות ולחיצות על כפתורים. 🙂",
  staleReply: "הכפתור הזה שייך לשלב קודם. הנה איפה שאנחנו עומדים עכשיו:",
  rejection: (reason) => rejections[reason],
  photoProgress: (count, threshold) => `יש לי עד עכשיו ${count} מתוך ${threshold} תמונות. המשיכו לשלוח! 📸`,
  enoughPhotos: "יש לנו מספיק תמונות, תודה! 🎉",
  picturesMenu: {
    body: (count) => `שלחתם ${count} תמונות טובות. מה הלאה?`,
    button: "אפשרויות",
    addMore: { title: "הוספת תמונות", description: "עוד תמונות יכולות לשפר את התוצאה" },
    done: { title: "סיימתי", description: "בחירת חבילת סגנון" },
    reset: { title: "איפוס תמונות", description: "מחיקת התמונות והתחלה מחדש" },
    support: { title: "תמיכה", description: "שיחה עם נציג מהצוות שלנו" }
  },
  sendMorePhotos: "בטח, שלחו עוד תמונות מתי שתרצו.",
  photosReset: "התמונות שלכם נמחקו. מתחילים מחדש!",
  photosInUse: "התמונות שלכם משמשות עכשיו לאימון המודל. אפשר להתחיל מחדש אחרי שתמונות התדמית יגיעו.",
  askClass: { body: "מי מופיע בתמונות?", button: "בחירה" },
  className: (personClass) => classNames[personClass],
  classSaved: "הבנתי, תודה!",
  tierName: (tier) => tierNames[tier],
  tiers: {
    body: (discountPercent) =>
      discountPercent > 0 ? `בחרו חבילה. כלקוחות חוזרים מגיעה לכם הנחה של ${discountPercent}%! 🎁` : "בחרו חבילה:",
    button: "חבילות",
    row: (imageCount, price, listPrice) =>
      listPrice === undefined
        ? `${imageCount} תמונות תדמית · ${price}`
        : `${imageCount} תמונות תדמית · ${price} (במקום ${listPrice})`
  },
  noPacks: "אין כרגע סגנונות בחבילה הזאת. בחרו בבקשה חבילה אחרת.",
  packs: {
    body: (tierName) => `בחרו סגנון לחבילת ה${tierName} שלכם:`,
    button: "סגנונות",
    caption: (title, imageCount, price) => `${title} · ${imageCount} תמונות תדמית · ${price}`,
    row: (imageCount, price) => `${imageCount} תמונות תדמית · ${price}`
  },
  terms: {
    body:
      "לפני שמתחילים! 😊\n" +
      "תמונות התדמית נוצרות על ידי בינה מלאכותית 🤖, אוטומטית וללא עריכה אנושית, ולכן הן לא תמיד ייראו " +
      "בדיוק כמוכם ועלולות להופיע בהן סטיות קלות או תקלות.\n\n" +
      "התמונות שלכם משמשות רק ליצירת תמונות התדמית ונמחקות בסיום האימון. תוקף המודל שלכם פג אחרי 30 יום. " +
      "אתם מאשרים שהתמונות הן שלכם או שיש לכם רשות להשתמש בהן.\n\n" +
      "אנא אשרו שאתם מבינים ומסכימים לכך לפני שנמשיך לתשלום.",
    agree: "אני מסכים/ה",
    back: "חזרה"
  },
  paymentLink: {
    body: (packTitle, price) => `${packTitle}: ${price}. לחצו למטה לתשלום מאובטח.`,
    button: "לתשלום"
  },
  paymentReceived: "התשלום התקבל, תודה! 💳 אני מתחיל לאמן את המודל שלכם.",
  paymentRefused: "התשלום לא עבר. אפשר לנסות שוב עם אותו קישור.",
  paymentMismatch: "הסכום ששולם לא תואם את מחיר ההזמנה. הצוות שלנו יטפל בזה ויחזור אליכם.",
  cancelledOrderPaid: "קיבלנו תשלום על הזמנה שבוטלה כשאיפסתם את התמונות. הצוות שלנו יחזיר לכם את הכסף בקרוב.",
  trainingEta: (minutes) =>
    minutes <= 1
      ? "תמונות התדמית שלכם יהיו מוכנות בעוד כדקה. אשלח אותן לכאן."
      : `תמונות התדמית שלכם יהיו מוכנות בעוד כ-${minutes} דקות. אשלח אותן לכאן.`,
  trainingFailed: "משהו השתבש באימון המודל שלכם. הצוות שלנו כבר מטפל בזה ויחזור אליכם.",
  imagesReady: "תמונות התדמית שלכם מוכנות! ✨",
  mediaUndeliverable: (kind) =>
    `מצטערים, ${kind === "Video" ? "אחד הסרטונים שלכם לא נשלח" : "אחת מתמונות התדמית שלכם לא נשלחה"}. ` +
    "הצוות שלנו קיבל הודעה ויחזור אליכם כאן.",
  rating: {
    body: "איך יצא?",
    button: "דירוג",
    stars: (stars) => ({ title: "⭐".repeat(stars), description: starLabels[stars - 1] })
  },
  ratingThanks: "תודה! שמחים שאהבתם. 💛",
  alreadyRated: "כבר דירגתם את התמונות האלה. תודה!",
  anotherPack: (discountPercent) =>
    discountPercent > 0 ? `רוצים סגנון נוסף? כלקוחות חוזרים תקבלו ${discountPercent}% הנחה.` : "רוצים סגנון נוסף?",
  askFeedback: {
    body: "מצטערים שזה לא מה שקיוויתם. מה היה אפשר לשפר? פשוט כתבו כאן.",
    skip: "דילוג"
  },
  feedbackReminder: "כתבו בבקשה את המשוב בהודעה, או לחצו על דילוג.",
  feedbackThanks: "תודה ששיתפתם. הצוות שלנו יקרא את זה ואולי ייצור איתכם קשר. 🙏",
  welcomeBack: {
    body: "ברוכים השבים! 👋 אפשר להשתמש באחד המודלים שלכם לסגנון חדש, או לאמן מודל חדש.",
    button: "בחירה",
    modelRow: (expiresOn) => `שימוש במודל הזה · בתוקף עד ${expiresOn}`,
    newModel: { title: "מודל חדש", description: "שליחת תמונות חדשות" },
    menu: { title: "תפריט", description: "שפה, תמיכה והמידע שלכם" }
  },
  modelUnavailable: "המודל הזה כבר לא זמין. בחרו מודל אחר או אמנו מודל חדש.",
  chooseModelFirst: "קודם בחרו באיזה מודל להשתמש:"
}
