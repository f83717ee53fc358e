/*
 * The advisor in the browser: ranks the options for the answers in the form, exactly as `kvt advise` does.
 *
 * It reads the build's export of the fitted advisor (advisor.export.export_advisor, whose docstring is the
 * format) and repeats, in the same order of operations, advisor.questions (answers -> profile: weights,
 * requirements, variants, fit) and advisor.ranking (profile -> scores, order, confidence, reasons). Additions,
 * multiplications and divisions of doubles in the same order give the same bits as Python; the confidence's
 * draws come from the same seeded generator (mulberry32). No server, no third-party code.
 *
 * window.kvtAdvisor.rank(answers) returns what `kvt advise --format json` prints, for the fields the page
 * shows (the browser test compares them on more than 200 answer sets).
 */
(function () {
  "use strict";

  // -- the generator of advisor.confidence ------------------------------------------------------------------
  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // advisor.confidence.stays_on_top, step for step.
  function staysOnTop(weights, fitWeight, intervals, fit, top, nDraws, weightNoise, seed) {
    const u = mulberry32(seed);
    const nCrit = weights.length;
    let kept = 0;
    for (let d = 0; d < nDraws; d++) {
      const w = [];
      for (let c = 0; c < nCrit; c++) w.push(weights[c] * (1.0 + weightNoise * (2.0 * u() - 1.0)));
      const wf = fitWeight * (1.0 + weightNoise * (2.0 * u() - 1.0));
      const totals = [];
      for (let i = 0; i < intervals.length; i++) {
        let total = 0.0;
        for (let c = 0; c < nCrit; c++) {
          const low = intervals[i][c][0], high = intervals[i][c][1];
          total += w[c] * (low + (high - low) * u());
        }
        total += wf * fit[i];
        totals.push(total);
      }
      let wins = true;
      for (let i = 0; i < totals.length; i++) if (i !== top && !(totals[top] > totals[i])) wins = false;
      if (wins) kept += 1;
    }
    return kept;
  }

  function Advisor(data) {
    this.data = data;
    this.options = data.options;
    this.criteria = data.criteria.map(function (c) { return c.id; });
    this.byId = {};
    for (const q of data.questions) this.byId[q.id] = q;
  }

  Advisor.prototype.valuesOf = function (q, answer) {
    return q.multiple ? answer.split(",") : [answer];
  };

  // advisor.questions.parse_answer, for answers that come from the form or a caller: canonical values.
  Advisor.prototype.canonical = function (qid, value) {
    const q = this.byId[qid];
    if (!q) throw new Error("unknown question " + qid);
    if (typeof value === "boolean" && q.choices.length === 2 && q.choices.indexOf("yes") >= 0) {
      return [value ? "yes" : "no", null];
    }
    if (q.multiple) {
      const parts = (Array.isArray(value) ? value : String(value).split(",")).map(function (p) { return p.trim(); });
      for (const p of parts) if (q.choices.indexOf(p) < 0) throw new Error("bad answer " + value + " to " + qid);
      if (parts.indexOf("none") >= 0 && new Set(parts).size > 1) throw new Error("'none' cannot be combined");
      return [q.choices.filter(function (c) { return parts.indexOf(c) >= 0; }).join(","), null];
    }
    if (Object.prototype.hasOwnProperty.call(q.legacy, value)) return [q.legacy[value], "legacy"];
    if (q.choices.indexOf(value) < 0) throw new Error("bad answer " + value + " to " + qid);
    return [value, null];
  };

  // advisor.questions.profile: complete answers, weights, requirements, variants, fit.
  Advisor.prototype.profile = function (given) {
    const data = this.data;
    const answers = {};
    for (const q of data.questions) {
      answers[q.id] = Object.prototype.hasOwnProperty.call(given, q.id) ? this.canonical(q.id, given[q.id])[0]
        : q.default;
    }
    const levels = data.weights_rule.levels;
    const raises = {}, lowers = {};
    for (const c of this.criteria) { raises[c] = []; lowers[c] = []; }
    for (const q of data.questions) {
      for (const v of this.valuesOf(q, answers[q.id])) {
        const importance = q.importance[v] || {};
        for (const crit of Object.keys(importance)) {
          const level = levels[importance[crit]];
          (level > 1 ? raises : lowers)[crit].push(level);
        }
      }
    }
    const raw = {};
    for (const c of this.criteria) {
      raw[c] = raises[c].length ? Math.max.apply(null, raises[c])
        : lowers[c].length ? Math.min.apply(null, lowers[c]) : 1.0;
    }
    const sources = this.fitSources(answers);
    raw[data.weights_rule.fit] = sources.length ? data.weights_rule.fit_weight : 0.0;
    let total = 0.0;
    for (const k of Object.keys(raw)) total += raw[k];
    const weights = {};
    for (const k of Object.keys(raw)) weights[k] = raw[k] / total;

    const requirements = ["platform=" + data.platform_questions.map(function (q) { return answers[q]; }).join("/")];
    for (const q of data.questions) {
      for (const v of this.valuesOf(q, answers[q.id])) if (q.requires[v]) requirements.push(q.requires[v]);
    }
    const variants = {};
    for (const c of this.criteria) variants[c] = "all";
    for (const q of data.questions) for (const crit of q.variant_of) variants[crit] = answers[q.id];

    const fit = {}, fitWhy = {};
    for (const o of this.options) {
      const reaches = sources.map(function (s) { return data.fit[s[0]][s[1]][o]; });
      let sum = 0.0;
      for (const r of reaches) sum += r.share;
      fit[o] = reaches.length ? sum / reaches.length : 0.0;
      fitWhy[o] = reaches.map(function (r, i) { return sources[i][1] + ": " + r.why; });
    }
    return {answers: answers, weights: weights, requirements: requirements, variants: variants, fit: fit,
            fitWhy: fitWhy};
  };

  Advisor.prototype.fitSources = function (answers) {
    const out = [];
    for (const e of this.valuesOf(this.byId.ecosystem, answers.ecosystem)) if (e !== "none") out.push(["ecosystem", e]);
    if (answers.pretrained !== "none") out.push(["pretrained", answers.pretrained]);
    return out;
  };

  Advisor.prototype.cell = function (p, crit, option) {
    return this.data.tables[crit][p.variants[crit]].options[option];
  };

  // advisor.ranking.Ranker.rank
  Advisor.prototype.rank = function (given) {
    const data = this.data, self = this;
    const p = this.profile(given || {});
    const fitKey = data.weights_rule.fit;
    const totals = this.options.map(function (o) {
      let total = 0.0;
      for (const c of self.criteria) total += p.weights[c] * self.cell(p, c, o).score;
      total += p.weights[fitKey] * p.fit[o];
      return total;
    });
    const states = this.options.map(function (o) {
      const s = {};
      for (const r of p.requirements) s[r] = data.requirements[r].checks[o];
      return s;
    });
    const failed = states.map(function (s) { return p.requirements.filter(function (r) { return s[r].state === "failed"; }); });
    const unverified = states.map(function (s) {
      return p.requirements.filter(function (r) { return s[r].state === "not_verified"; });
    });
    const order = this.options.map(function (_, i) { return i; });
    order.sort(function (i, j) {
      return (failed[i].length - failed[j].length) || (unverified[i].length - unverified[j].length)
        || (totals[j] > totals[i] ? 1 : totals[j] < totals[i] ? -1 : 0) || (i - j);
    });
    const top = order[0];
    const group = order.filter(function (i) {
      return failed[i].length === failed[top].length && unverified[i].length === unverified[top].length;
    });
    const tied = group.slice(1).filter(function (i) { return Math.abs(totals[i] - totals[top]) <= data.ranking.tie_tolerance; })
      .map(function (i) { return self.options[i]; });
    const meets = !failed[top].length && !unverified[top].length;
    const runner = order.length > 1 ? order[1] : null;
    const proxy = runner !== null && group.indexOf(runner) >= 0 ? this.proxyDecides(p, top, runner) : null;
    const conf = this.confidence(p, top, group, meets, proxy !== null);

    const ranking = order.map(function (i, k) {
      const o = self.options[i];
      const contributions = {}, intervals = {};
      for (const c of self.criteria) {
        const cell = self.cell(p, c, o);
        contributions[c] = cell.basis === "missing" ? null : p.weights[c] * cell.score;
        intervals[c] = [cell.low, cell.high];
      }
      contributions[fitKey] = p.weights[fitKey] * p.fit[o];
      const reqs = {};
      for (const r of p.requirements) reqs[r] = {state: states[i][r].state, reason: states[i][r].reason};
      const above = order.slice(0, k).filter(function (j) { return totals[j] < totals[i] - data.ranking.tie_tolerance; })
        .map(function (j) { return self.options[j]; });
      let note = "";
      if (above.length) {
        const why = (failed[i].length ? ["fails " + failed[i].length + " requirement" + (failed[i].length > 1 ? "s" : "")] : [])
          .concat(unverified[i].length ? [unverified[i].length + " not verified"] : []);
        note = "ranked below " + above.join(", ") + " despite a higher score: " + why.join(" and ");
      }
      return {rank: k + 1, option: o, score: totals[i], meets_requirements: !failed[i].length && !unverified[i].length,
              contributions: contributions, intervals: intervals, requirements: reqs, failed: failed[i],
              not_verified: unverified[i], note: note};
    });
    const runnerId = runner !== null ? this.options[runner] : null;
    const missing = [];
    for (const c of this.criteria) {
      const t = data.tables[c][p.variants[c]];
      if (t.missing) missing.push({criterion: c, variant: p.variants[c], reason: t.missing});
    }
    return {
      answers: p.answers, top_pick: ranking[0].option, satisfied: ranking[0].meets_requirements, ranking: ranking,
      confidence: conf[0], confidence_draws: conf[0] === null ? 0 : data.confidence.n_draws,
      confidence_among: group.map(function (i) { return self.options[i]; }), confidence_text: conf[1],
      tied_with: tied, weights: p.weights,
      requirements: p.requirements.map(function (r) {
        return {id: r, label: data.requirements[r].label, needs: data.requirements[r].needs,
                claim: data.requirements[r].claim, venue: data.requirements[r].venue};
      }),
      reasons: this.reasons(p, ranking[0].option, runnerId), caveats: this.caveats(p, ranking[0].option, runnerId),
      missing_evidence: missing, contradictions: this.contradictions(p), warnings: this.warnings(p),
      proxy_decides: proxy
    };
  };

  Advisor.prototype.confidence = function (p, top, group, meets, widenProxies) {
    const data = this.data, self = this;
    const name = this.options[top];
    if (group.length === 1) {
      if (meets) return [null, p.requirements.length ? name + " is the only option that meets your requirements"
        : name + " is the only option"];
      return [null, "no option meets every requirement (" +
        p.requirements.map(function (r) { return data.requirements[r].label; }).join("; ") + "); " + name +
        " is the only one with the fewest unmet"];
    }
    const proxies = data.criteria.map(function (c) { return c.proxy !== null && c.proxy !== undefined && !!widenProxies; });
    const intervals = group.map(function (i) {
      return self.criteria.map(function (c, k) {
        const cell = self.cell(p, c, self.options[i]);
        return proxies[k] ? [0.0, 1.0] : [cell.low, cell.high];
      });
    });
    const c = data.confidence;
    const kept = staysOnTop(this.criteria.map(function (k) { return p.weights[k]; }), p.weights[data.weights_rule.fit],
      intervals, group.map(function (i) { return p.fit[self.options[i]]; }), 0, c.n_draws, c.weight_noise, c.seed);
    const share = kept / c.n_draws;
    const among = meets && p.requirements.length ? "the " + group.length + " options that meet your requirements"
      : meets ? "all " + group.length + " options" : "the " + group.length + " options that miss as many requirements";
    const wide = data.criteria.filter(function (c, k) { return proxies[k]; }).map(function (c) { return c.label; });
    const proxyText = wide.length ? "; " + wide.join(", ") + " drawn over its whole scale, being a proxy" : "";
    return [share, (share * 100).toFixed(0) + "% of " + c.n_draws + " draws of weights and measurement uncertainty keep " +
      name + " first among " + among + proxyText];
  };

  // advisor.ranking.Ranker._proxy_decides
  Advisor.prototype.proxyDecides = function (p, top, runner) {
    const self = this, fitKey = this.data.weights_rule.fit;
    const without = function (i, skip) {
      let total = 0.0;
      for (const c of self.criteria) if (c !== skip) total += p.weights[c] * self.cell(p, c, self.options[i]).score;
      return total + p.weights[fitKey] * p.fit[self.options[i]];
    };
    for (const c of this.data.criteria) {
      if (c.proxy === null || c.proxy === undefined || p.weights[c.id] === 0) continue;
      const a = without(top, c.id), b = without(runner, c.id);
      if (b >= a) {
        const name = this.options[top], other = this.options[runner];
        return {criterion: c.id, runner_up: other, text: "only " + c.label + ", " + c.proxy + ", puts " + name +
          " ahead of " + other + ": without it " + other + " scores " + b.toFixed(3) + " and " + name + " " + a.toFixed(3)};
      }
    }
    return null;
  };

  // advisor.ranking.Ranker._warnings
  Advisor.prototype.warnings = function (p) {
    const data = this.data;
    const table = data.tables.performance[p.variants.performance];
    const hardware = data.accelerator_names[p.variants.performance] || p.variants.performance;
    if (p.answers.priority === "speed" && table.missing) {
      return ["--priority speed cannot be served on " + hardware + ": no speed evidence holds for it (measured " +
        "or cited), so performance scores 0 for every option and the ranking rests on the rest"];
    }
    for (const o of Object.keys(table.options)) {
      if (table.options[o].basis === "cited") {
        return ["speed on " + hardware + " is cited from the public record, not measured here: it counts with " +
          "the widest uncertainty"];
      }
    }
    return [];
  };

  // advisor.contradictions.contradictions
  Advisor.prototype.contradictions = function (p) {
    const data = this.data, self = this, out = [], active = p.requirements;
    const label = function (r) { return data.requirements[r].label; };
    for (const e of data.contradictions.exclusive) {
      if (active.indexOf(e[0]) >= 0 && active.indexOf(e[1]) >= 0) {
        out.push({kind: "nature", requirements: [e[0], e[1]], text: label(e[0]) + " and " + label(e[1]) + ": " + e[2]});
      }
    }
    for (const r of active) {
      const states = this.options.map(function (o) { return data.requirements[r].checks[o]; });
      if (r.indexOf("platform=") === 0 && states.every(function (c) {
        return c.state === "failed" && c.reason.indexOf("not applicable") === 0;
      })) {
        const reason = states[0].reason.indexOf("not applicable: ") === 0 ? states[0].reason.slice(16) : states[0].reason;
        out.push({kind: "nature", requirements: [r], text: label(r) + ": " + reason});
      }
    }
    const could = {};
    for (const r of active) could[r] = this.options.filter(function (o) { return data.requirements[r].checks[o].state !== "failed"; });
    for (let i = 0; i < active.length; i++) {
      for (let j = i + 1; j < active.length; j++) {
        const a = could[active[i]], b = could[active[j]];
        if (a.length && b.length && !a.some(function (o) { return b.indexOf(o) >= 0; })) {
          out.push({kind: "evidence", requirements: [active[i], active[j]], text: "no option meets both '" + label(active[i]) +
            "' (only " + a.join(", ") + " can) and '" + label(active[j]) + "' (only " + b.join(", ") + " can)"});
        }
      }
    }
    for (const eco of this.valuesOf(this.byId.ecosystem, p.answers.ecosystem)) {
      if (eco === "none") continue;
      const fw = data.contradictions.ecosystem_framework[eco];
      const mine = this.options.filter(function (o) { return data.contradictions.option_framework[o] === fw; });
      for (const r of active) {
        if (mine.length && mine.every(function (o) { return data.requirements[r].checks[o].state === "failed"; })) {
          out.push({kind: "preference", requirements: [r], text: "your " + eco + " code and '" + label(r) +
            "': no option on " + fw + " meets it (" + mine[0] + ": " + data.requirements[r].checks[mine[0]].reason + ")"});
        }
      }
    }
    return out;
  };

  // advisor.ranking.Ranker._rows: per criterion with evidence (and the fit when it counts), its contribution.
  Advisor.prototype.rows = function (p, option) {
    const data = this.data, rows = {}, fitKey = data.weights_rule.fit;
    for (const c of this.criteria) {
      const table = data.tables[c][p.variants[c]];
      const cell = table.options[option];
      if (cell.basis === "missing" || p.weights[c] === 0) continue;
      const where = cell.basis === "definition" ? "by definition" : cell.basis === "cited" ? "cited, not measured here"
        : (table.venue ? table.claim + " on " + table.venue : table.claim);
      rows[c] = {criterion: c, label: this.label(c), contribution: p.weights[c] * cell.score, score: cell.score,
                 text: cell.note, claim: table.claim, venue: table.venue, where: where};
    }
    if (p.weights[fitKey] > 0) {
      rows[fitKey] = {criterion: fitKey, label: "fit", contribution: p.weights[fitKey] * p.fit[option],
                      score: p.fit[option], text: p.fitWhy[option].join("; "), claim: null, venue: null,
                      where: "your answers, public record"};
    }
    return rows;
  };

  // advisor.ranking.Ranker._margin
  Advisor.prototype.margin = function (p, crit, option, runner) {
    const fitKey = this.data.weights_rule.fit;
    if (crit === fitKey) return p.weights[fitKey] * p.fit[option] - (runner ? p.weights[fitKey] * p.fit[runner] : 0.0);
    const mine = p.weights[crit] * this.cell(p, crit, option).score;
    return mine - (runner ? p.weights[crit] * this.cell(p, crit, runner).score : 0.0);
  };

  // advisor.ranking.Ranker.reasons: what favours the option over the runner-up, the largest margin first.
  Advisor.prototype.reasons = function (p, option, runner, limit) {
    limit = limit || 4;
    const rows = this.rows(p, option), out = [], tol = this.data.ranking.tie_tolerance;
    for (const c of Object.keys(rows)) {
      const m = this.margin(p, c, option, runner);
      if (m > tol) out.push(Object.assign({}, rows[c], {margin: m}));
    }
    out.sort(function (a, b) { return b.margin - a.margin; });
    return out.slice(0, limit);
  };

  // advisor.ranking.Ranker.caveats: what speaks against the option for these answers.
  Advisor.prototype.caveats = function (p, option, runner) {
    const data = this.data, out = [], fitKey = data.weights_rule.fit, tol = data.ranking.tie_tolerance;
    if (runner !== null && runner !== undefined) {
      const rows = this.rows(p, option);
      for (const c of Object.keys(rows)) {
        if (c !== fitKey && this.margin(p, c, option, runner) < -tol) {
          out.push(rows[c].label + ": " + runner + " leads here; " + option + ": " + rows[c].text);
        }
      }
    }
    if (p.weights[fitKey] > 0 && p.fit[option] < 1) out.push(p.fitWhy[option].join("; "));
    for (const req of p.requirements) {
      const check = data.requirements[req].checks[option];
      if (check.state !== "met") {
        out.push(data.requirements[req].label + ": " + (check.state === "not_verified" ? "not verified" : "fails") + ": " +
          check.reason);
      }
    }
    return out;
  };

  Advisor.prototype.label = function (criterion) {
    const c = this.data.criteria.find(function (x) { return x.id === criterion; });
    return c ? c.label : criterion;
  };

  // -- the page ------------------------------------------------------------------------------------------------
  // Labels, not ids: the export carries evidence/labels.py's map and the patterns of its humanize(), so the page
  // shows what kvt advise's tables show. Filled in start() once the data has loaded.
  let LABELS = {}, QUESTION_NOUNS = {}, ID_PATTERN = null, REQUIREMENT_PATTERN = null, VENUE_PATTERN = null;

  function setLabels(labels) {
    LABELS = labels.map;
    QUESTION_NOUNS = labels.questions;
    ID_PATTERN = new RegExp(labels.patterns.ids, "g");
    REQUIREMENT_PATTERN = new RegExp(labels.patterns.requirement, "g");
    VENUE_PATTERN = new RegExp(labels.patterns.venue, "g");
  }

  // evidence.labels.label
  function labelOf(id) {
    if (Object.prototype.hasOwnProperty.call(LABELS, id)) return LABELS[id];
    const eq = id.indexOf("=");
    if (eq > 0) {
      const key = id.slice(0, eq);
      return (QUESTION_NOUNS[key] || labelOf(key)) + ": " + id.slice(eq + 1).split("/").map(labelOf).join(" on ");
    }
    return id.replace(/_/g, " ");
  }

  // kvt_docs.markdown.error_details: a raw error message, from where it starts, goes into a closed "error" details.
  const RAW_ERROR = /\(?(?:from )?\b[A-Z]\w*(?:Error|Exception|Exit)\b: /;
  function withError(text) {
    const m = RAW_ERROR.exec(text);
    if (!m) return [text];
    const head = text.slice(0, m.index).replace(/[\s(:;]+$/, "");
    return [head || "error", " ", el("details", {class: "kvt-error"}, [el("summary", {text: "error"}),
      el("code", {text: text.slice(m.index)})])];
  }

  // evidence.labels.venue_words
  function venueWords(venue) {
    const cpu = /^cpu-(\d+)core$/.exec(venue);
    if (cpu) return "a " + cpu[1] + "-core CPU";
    if (venue.indexOf("gpu-") === 0) {
      const name = venue.slice(4).replace(/-/g, " ").toUpperCase();
      return ("AEFHILMNORSX".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name + " GPU";
    }
    return "the " + venue + " machine";
  }

  // evidence.labels.humanize: every id of the map in a sentence replaced by its label.
  function humanize(text) {
    if (!ID_PATTERN) return text;
    return String(text).replace(REQUIREMENT_PATTERN, function (m) { return labelOf(m); })
      .replace(VENUE_PATTERN, function (m, v) { return venueWords(v); })
      .replace(ID_PATTERN, function (m, id) { return LABELS[id]; });
  }
  const STATE = {met: "met", failed: "failed", not_verified: "not verified"};

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const k of Object.keys(attrs || {})) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    }
    for (const child of children || []) if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    return node;
  }

  function formAnswers(form, advisor) {
    const answers = {};
    for (const q of advisor.data.questions) {
      const checked = Array.from(form.querySelectorAll('input[name="' + q.id + '"]:checked')).map(function (i) { return i.value; });
      answers[q.id] = checked.length ? checked.join(",") : q.default;
    }
    return answers;
  }

  function command(advisor, answers) {
    const flags = advisor.data.questions.filter(function (q) { return answers[q.id] !== q.default; })
      .map(function (q) { return q.flag + " " + answers[q.id]; });
    return "kvt advise --no-input" + (flags.length ? " " + flags.join(" ") : "");
  }

  // A sentence starts with a capital, unless it starts with an option's id: "keras-jax is the only option ...".
  // The same rule as advisor/render.py's sentence(), so the page and kvt advise print the same words.
  function sentence(text, options) {
    const first = text.split(" ")[0];
    return options.indexOf(first) >= 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
  }

  // The answers in the page's address (only those that differ from the defaults), so a ranking can be shared.
  function answersQuery(advisor, answers) {
    const params = new URLSearchParams();
    for (const q of advisor.data.questions) if (answers[q.id] !== q.default) params.set(q.id, answers[q.id]);
    const query = params.toString().replace(/%2C/g, ",");
    return query ? "?" + query : "";
  }

  function writeAddress(advisor, answers) {
    const url = location.pathname + answersQuery(advisor, answers) + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
    return location.origin + location.pathname + answersQuery(advisor, answers);
  }

  // Answers from the address tick the form; an answer the advisor does not know is left at the default and named.
  function readAddress(form, advisor) {
    const params = new URLSearchParams(location.search);
    const ignored = [];
    for (const q of advisor.data.questions) {
      if (!params.has(q.id)) continue;
      let value;
      try {
        value = advisor.canonical(q.id, params.get(q.id))[0];
      } catch (error) {
        ignored.push(labelOf(q.id));
        continue;
      }
      const chosen = q.multiple ? value.split(",") : [value];
      for (const input of form.querySelectorAll('input[name="' + q.id + '"]')) input.checked = chosen.indexOf(input.value) >= 0;
    }
    return ignored;
  }

  function render(root, advisor, rec, siteRoot, shareUrl, ignored) {
    const data = advisor.data;
    const fitKey = data.weights_rule.fit;
    const columns = advisor.criteria.concat(rec.weights[fitKey] > 0 ? [fitKey] : []);
    const out = [];
    const top = rec.ranking[0];
    for (const c of rec.contradictions) {
      out.push(el("p", {class: "kvt-advisor__contradiction"}, [el("strong", {text: "Contradiction: "}), humanize(c.text) + "."]));
    }
    for (const w of rec.warnings) out.push(el("p", {class: "kvt-advisor__warning"}, [humanize(sentence(w, advisor.options)) + "."]));
    out.push(el("p", {class: "kvt-advisor__top"}, [
      "Top pick: ", el("strong", {text: labelOf(top.option)}), ", score " + top.score.toFixed(3) +
        (rec.satisfied ? "" : " — it does not meet every requirement") + ". ",
      el("span", {text: humanize(sentence(rec.confidence_text, advisor.options)) + "."})]));
    const head = el("tr", {}, [el("th", {scope: "col", text: "#"}), el("th", {scope: "col", text: "option"}),
      el("th", {scope: "col", text: "score"}), el("th", {scope: "col", text: "made of (weight × score per criterion)"}),
      el("th", {scope: "col", text: "requirements"})]);
    const body = rec.ranking.map(function (row) {
      const bar = el("div", {class: "kvt-stack", role: "img",
        "aria-label": columns.map(function (c) {
          const v = row.contributions[c];
          return (c === fitKey ? "fit" : advisor.label(c)) + " " + (v === null ? "no evidence" : v.toFixed(3));
        }).join(", ")});
      for (const c of columns) {
        const v = row.contributions[c];
        if (v === null || v <= 0) continue;
        bar.appendChild(el("span", {class: "kvt-stack__part kvt-c-" + c, style: "width:" + (v * 100).toFixed(2) + "%",
          title: (c === fitKey ? "fit" : advisor.label(c)) + ": " + v.toFixed(3)}));
      }
      let req = "—";
      if (Object.keys(row.requirements).length) {
        const words = function (ids) { return ids.map(function (r) { return data.requirements[r].label; }).join(", "); };
        req = row.meets_requirements ? "✓ meets all" : [row.failed.length ? "✗ fails: " + words(row.failed) : "",
          row.not_verified.length ? "? not verified: " + words(row.not_verified) : ""].filter(Boolean).join("; ");
      }
      return el("tr", {"data-option": row.option}, [el("td", {text: String(row.rank)}),
        el("td", {}, [el("strong", {text: labelOf(row.option)})]),
        el("td", {class: "kvt-num", "data-score": String(row.score), text: row.score.toFixed(3)}),
        el("td", {}, [bar]), el("td", {text: req})]);
    });
    out.push(el("table", {class: "kvt-ranking"}, [el("thead", {}, [head]), el("tbody", {}, body)]));
    if (rec.proxy_decides) {
      out.push(el("p", {class: "kvt-advisor__proxy"}, [el("strong", {text: "Beware: "}), humanize(rec.proxy_decides.text) + "."]));
    }
    for (const row of rec.ranking) {
      if (row.note) out.push(el("p", {class: "kvt-advisor__note"}, [labelOf(row.option) + ": " + humanize(row.note) + "."]));
    }
    const legend = el("p", {class: "kvt-legend"}, []);
    for (const c of columns) {
      legend.appendChild(el("span", {class: "kvt-legend__item"}, [el("span", {class: "kvt-swatch kvt-c-" + c}),
        c === fitKey ? "fit to your code and models" : advisor.label(c)]));
    }
    out.push(legend);

    out.push(el("h3", {text: "Why " + (labelOf(top.option)) +
      (rec.ranking.length > 1 ? ", over " + (labelOf(rec.ranking[1].option)) : "")}));
    out.push(el("ul", {}, rec.reasons.map(function (r) {
      const where = r.claim ? el("a", {href: siteRoot + "claims/" + r.claim + "/", text: humanize(r.where)}) : document.createTextNode(humanize(r.where));
      return el("li", {}, [el("strong", {text: r.label + " "}), "(+" + r.margin.toFixed(3) + "): "].concat(withError(humanize(r.text)), [" — ", where]));
    })));
    if (rec.caveats.length) {
      out.push(el("p", {class: "kvt-advisor__caveats"}, [el("strong", {text: "But: "})].concat(
        rec.caveats.map(function (c, i) { return [i ? "; " : ""].concat(withError(humanize(c))); }).flat())));
    }
    if (rec.requirements.length) {
      out.push(el("h3", {text: "Hard requirements"}));
      out.push(el("ul", {}, rec.requirements.map(function (req) {
        const items = rec.ranking.map(function (row) {
          const s = row.requirements[req.id];
          return el("li", {}, [el("strong", {text: labelOf(row.option) + ": " + STATE[s.state]}), " — "]
            .concat(withError(humanize(s.reason))));
        });
        return el("li", {}, [el("strong", {text: req.label}), " needs " + humanize(req.needs) + " (",
          el("a", {href: siteRoot + "claims/" + req.claim + "/", text: labelOf(req.claim) + " evidence"}), ")", el("ul", {}, items)]);
      })));
    }
    if (rec.missing_evidence.length) {
      out.push(el("details", {class: "kvt-missing"}, [el("summary", {text: "Evidence the ranking lacks (" +
        rec.missing_evidence.length + " criteria score 0 for every option)"}),
        el("ul", {}, rec.missing_evidence.map(function (m) { return el("li", {}, [el("strong", {text: advisor.label(m.criterion) + ": "}), humanize(m.reason)]); }))]));
    }
    out.push(el("p", {}, ["In a terminal: ", el("code", {class: "kvt-command", text: command(advisor, rec.answers)})]));
    out.push(el("p", {class: "kvt-advisor__share"}, ["A link to these answers: ",
      el("a", {class: "kvt-share", href: shareUrl, text: shareUrl})]));
    if (ignored && ignored.length) {
      out.unshift(el("p", {class: "kvt-advisor__warning"}, ["The link's answer to " + ignored.join(", ") +
        " is not one the advisor knows; the default is used instead."]));
    }
    root.replaceChildren.apply(root, out);
    // On a phone the ranking sits below the questions: a bar at the bottom of the screen keeps the top pick in view.
    let pill = document.querySelector(".kvt-advisor__pill");
    if (!pill) {
      pill = el("a", {class: "kvt-advisor__pill", href: "#kvt-advisor-result"});
      document.body.appendChild(pill);
    }
    pill.textContent = "Top pick: " + (labelOf(top.option)) + " (" + top.score.toFixed(3) + ") — see why";
  }

  function start() {
    const host = document.querySelector(".kvt-advisor");
    if (!host) return;
    const form = host.querySelector("form"), result = host.querySelector("#kvt-advisor-result");
    const siteRoot = host.getAttribute("data-site-root") || "";
    fetch(host.getAttribute("data-export")).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      const advisor = new Advisor(data);
      window.kvtAdvisor = advisor;
      setLabels(data.labels);
      let ignored = readAddress(form, advisor);
      const update = function () {
        const answers = formAnswers(form, advisor);
        render(result, advisor, advisor.rank(answers), siteRoot, writeAddress(advisor, answers), ignored);
        ignored = [];
      };
      form.addEventListener("change", function (event) {
        // "none" stands alone among several answers: ticking it clears the others, and ticking another clears it.
        const target = event.target;
        const set = target.closest("fieldset[data-multiple='true']");
        if (set && target.checked) {
          for (const box of set.querySelectorAll("input")) {
            if (box !== target && (target.value === "none" || box.value === "none")) box.checked = false;
          }
        }
        update();
      });
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      update();
      host.setAttribute("data-ready", "true");
    }).catch(function (error) {
      result.replaceChildren(el("p", {class: "kvt-advisor__error", text: "The advisor's data could not be loaded (" + error.message + ")."}));
    });
  }

  window.KvtAdvisor = Advisor;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
