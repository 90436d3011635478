/* A question in a big Korean dialog, answered by a tap: `await this.ask({...})` gives the value
 * of the chosen button, or null when dismissed (Esc, the back button). Used where a slip would
 * cost money or an order: a huge 받은 금액, 교대 with a full cart. Not window.confirm: its
 * small English-titled box looks different on every tablet and blocks the page. */

export function askPart() {
  let resolver = null; // outside the reactive state: Alpine need not watch a function

  return {
    question: null, // {title, message, lines: [[label, value]], choices: [{value, label, primary}]}

    ask(question) {
      if (resolver) resolver(null);
      this.question = { lines: [], ...question };
      return new Promise((resolve) => {
        resolver = resolve;
      });
    },

    answer(value) {
      const resolve = resolver;
      resolver = null;
      this.question = null;
      if (resolve) resolve(value);
    },
  };
}
