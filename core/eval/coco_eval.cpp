#include "core/eval/coco_eval.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/common/error.h"

namespace glip::eval {

const std::array<const char*, 12> kStatNames = {"AP",  "AP50", "AP75",  "APs", "APm", "APl",
                                                "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

namespace {

// np.linspace(start, stop, num, endpoint=True): y[i] = i * ((stop - start) / (num - 1)) + start, y[-1] = stop.
std::vector<double> linspace(double start, double stop, int num) {
  std::vector<double> y(static_cast<size_t>(num));
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int i = 0; i < num; ++i) y[static_cast<size_t>(i)] = static_cast<double>(i) * step + start;
  if (num > 1) y.back() = stop;
  return y;
}

// coco::Result status at one IoU threshold after matching (what accumulate's tps / fps / dtIg reduce to).
enum : uint8_t { kFalsePositive = 0, kTruePositive = 1, kIgnored = 2 };

// One non-empty (image, category) cell, evaluated for every area range.
struct CellEval {
  int64_t first = 0;  // offset of this image's detections in the category's concatenated list
  int64_t num_det = 0;
  // status[a][t * D + d]
  std::vector<std::vector<uint8_t>> status;
  std::vector<int64_t> npig;  // [a] non-ignored gts
};

// maskApi.c bbIou for one pair: IoU, or intersection / detection area for a crowd gt.
inline double box_iou(const std::array<double, 4>& d, const std::array<double, 4>& g, bool crowd) {
  const double ga = g[2] * g[3];
  const double da = d[2] * d[3];
  const double w = std::fmin(d[2] + d[0], g[2] + g[0]) - std::fmax(d[0], g[0]);
  if (w <= 0) return 0;
  const double h = std::fmin(d[3] + d[1], g[3] + g[1]) - std::fmax(d[1], g[1]);
  if (h <= 0) return 0;
  const double i = w * h;
  const double u = crowd ? da : da + ga - i;
  return i / u;
}

struct Prepared {
  size_t I = 0, K = 0;
  std::vector<int64_t> img_ids, cat_ids;
  // Per category: indices of gts / dts, grouped by image index (ascending), original order inside an image.
  std::vector<std::vector<std::pair<int64_t, const coco::Annotation*>>> gts;  // (image index, ann)
  std::vector<std::vector<std::pair<int64_t, int64_t>>> dts;               // (image index, detection index)
};

// evaluateImg + the per-image part of accumulate for one category; fills precision/recall for it.
void evaluate_category(const Prepared& prep, size_t k, const std::vector<coco::Result>& dets, const EvalParams& p,
                       EvalResult& out) {
  const size_t T = p.iou_thrs.size(), R = p.rec_thrs.size(), A = p.area_rng.size(), M = p.max_dets.size();
  const size_t K = prep.K;
  const int64_t max_det = p.max_dets.back();
  const auto& gk = prep.gts[k];
  const auto& dk = prep.dts[k];

  std::vector<CellEval> cells;
  std::vector<double> all_scores;  // concatenated per-image sorted scores (<= max_det each)
  std::vector<int64_t> all_rank;   // rank of each inside its image
  size_t gi = 0, di = 0;
  std::vector<const coco::Annotation*> g;
  std::vector<int64_t> d;
  std::vector<double> ious;
  std::vector<size_t> gorder;
  std::vector<uint8_t> gt_ig, gtm;
  std::vector<int64_t> dtm;
  while (gi < gk.size() || di < dk.size()) {
    const int64_t img = std::min(gi < gk.size() ? gk[gi].first : INT64_MAX, di < dk.size() ? dk[di].first : INT64_MAX);
    g.clear();
    d.clear();
    for (; gi < gk.size() && gk[gi].first == img; ++gi) g.push_back(gk[gi].second);
    for (; di < dk.size() && dk[di].first == img; ++di) d.push_back(dk[di].second);
    // dts: score descending, stable; keep the first max_det
    std::stable_sort(d.begin(), d.end(), [&](int64_t a, int64_t b) { return dets[a].score > dets[b].score; });
    if (static_cast<int64_t>(d.size()) > max_det) d.resize(static_cast<size_t>(max_det));
    const size_t G = g.size(), D = d.size();

    CellEval cell;
    cell.first = static_cast<int64_t>(all_scores.size());
    cell.num_det = static_cast<int64_t>(D);
    for (size_t j = 0; j < D; ++j) {
      all_scores.push_back(dets[d[j]].score);
      all_rank.push_back(static_cast<int64_t>(j));
    }
    // ious[dj * G + gj] in the original gt order
    ious.assign(D * G, 0.0);
    for (size_t dj = 0; dj < D; ++dj)
      for (size_t gj = 0; gj < G; ++gj) ious[dj * G + gj] = box_iou(dets[d[dj]].bbox, g[gj]->bbox, g[gj]->iscrowd != 0);

    cell.status.resize(A);
    cell.npig.assign(A, 0);
    for (size_t a = 0; a < A; ++a) {
      const double lo = p.area_rng[a][0], hi = p.area_rng[a][1];
      // gt ignore flags, then the stable order "not ignored first"
      gorder.clear();
      for (int pass = 0; pass < 2; ++pass)
        for (size_t gj = 0; gj < G; ++gj) {
          const bool ig = g[gj]->iscrowd != 0 || g[gj]->area < lo || g[gj]->area > hi;
          if (static_cast<int>(ig) == pass) gorder.push_back(gj);
        }
      gt_ig.resize(G);
      for (size_t q = 0; q < G; ++q) {
        const coco::Annotation* ann = g[gorder[q]];
        gt_ig[q] = (ann->iscrowd != 0 || ann->area < lo || ann->area > hi) ? 1 : 0;
        if (!gt_ig[q]) ++cell.npig[a];
      }
      std::vector<uint8_t>& st = cell.status[a];
      st.assign(T * D, kFalsePositive);
      dtm.assign(T * D, 0);
      if (G > 0 && D > 0) {
        for (size_t t = 0; t < T; ++t) {
          gtm.assign(G, 0);
          for (size_t dj = 0; dj < D; ++dj) {
            double best = std::min(p.iou_thrs[t], 1 - 1e-10);
            int64_t m = -1;
            for (size_t q = 0; q < G; ++q) {
              const coco::Annotation* ann = g[gorder[q]];
              if (gtm[q] && ann->iscrowd == 0) continue;
              if (m > -1 && gt_ig[static_cast<size_t>(m)] == 0 && gt_ig[q] == 1) break;
              const double v = ious[dj * G + gorder[q]];
              if (v < best) continue;
              best = v;
              m = static_cast<int64_t>(q);
            }
            if (m == -1) continue;
            const size_t mm = static_cast<size_t>(m);
            if (gt_ig[mm]) st[t * D + dj] = kIgnored;
            dtm[t * D + dj] = g[gorder[mm]]->id;  // pycocotools stores the gt id: an id of 0 reads as "unmatched"
            gtm[mm] = 1;
          }
        }
      }
      for (size_t dj = 0; dj < D; ++dj) {
        const double area = dets[d[dj]].bbox[2] * dets[d[dj]].bbox[3];
        const bool out_of_range = area < lo || area > hi;
        for (size_t t = 0; t < T; ++t) {
          uint8_t& s = st[t * D + dj];
          if (s == kIgnored) continue;
          if (dtm[t * D + dj] == 0) {
            s = out_of_range ? kIgnored : kFalsePositive;
          } else {
            s = kTruePositive;
          }
        }
      }
    }
    cells.push_back(std::move(cell));
  }
  if (cells.empty()) return;

  // accumulate: all detections of the category, stably sorted by score (concatenation order = image order).
  std::vector<int64_t> order(all_scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return all_scores[a] > all_scores[b]; });
  // owner cell of each concatenated detection
  std::vector<int64_t> owner(all_scores.size());
  for (size_t c = 0; c < cells.size(); ++c)
    for (int64_t j = 0; j < cells[c].num_det; ++j) owner[static_cast<size_t>(cells[c].first + j)] = static_cast<int64_t>(c);

  const double eps = 2.220446049250313e-16;  // np.spacing(1)
  std::vector<double> rc, pr;
  std::vector<int64_t> sel;
  for (size_t a = 0; a < A; ++a) {
    int64_t npig = 0;
    for (const auto& c : cells) npig += c.npig[a];
    if (npig == 0) continue;
    for (size_t m = 0; m < M; ++m) {
      const int64_t md = p.max_dets[m];
      sel.clear();
      for (int64_t j : order)
        if (all_rank[static_cast<size_t>(j)] < md) sel.push_back(j);
      const size_t nd = sel.size();
      for (size_t t = 0; t < T; ++t) {
        rc.resize(nd);
        pr.resize(nd);
        double tp = 0, fp = 0;
        for (size_t q = 0; q < nd; ++q) {
          const size_t j = static_cast<size_t>(sel[q]);
          const CellEval& c = cells[static_cast<size_t>(owner[j])];
          const uint8_t s = c.status[a][t * static_cast<size_t>(c.num_det) + static_cast<size_t>(all_rank[j])];
          if (s == kTruePositive) tp += 1;
          if (s == kFalsePositive) fp += 1;
          rc[q] = tp / static_cast<double>(npig);
          pr[q] = tp / (fp + tp + eps);
        }
        out.recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1] : 0.0;
        for (size_t q = nd - (nd ? 1 : 0); q > 0; --q)
          if (pr[q] > pr[q - 1]) pr[q - 1] = pr[q];
        for (size_t r = 0; r < R; ++r) {
          // np.searchsorted(rc, recThrs, side='left'): first index with rc[i] >= thr
          const size_t pi = static_cast<size_t>(std::lower_bound(rc.begin(), rc.end(), p.rec_thrs[r]) - rc.begin());
          double& dst = out.precision[(((t * R + r) * K + k) * A + a) * M + m];
          dst = pi < nd ? pr[pi] : 0.0;  // pycocotools leaves the remaining entries at 0
        }
      }
    }
  }
}

// numpy's float64 add.reduce: pairwise summation (8-way unrolled below 128 elements) inside 8192-element buffers,
// the buffers added in order. Reproduced so that means are bit-identical to np.mean.
double pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

// np.mean(s[s > -1]), or -1 when no entry is > -1 (COCOeval.summarize).
double mean_defined(const std::vector<double>& v) {
  std::vector<double> kept;
  kept.reserve(v.size());
  for (double x : v)
    if (x > -1) kept.push_back(x);
  if (kept.empty()) return -1.0;
  double sum = 0.;
  for (size_t c = 0; c < kept.size(); c += 8192) sum += pairwise_sum(kept.data() + c, std::min<size_t>(8192, kept.size() - c));
  return sum / static_cast<double>(kept.size());
}

// COCOeval.summarize()._summarize: returns the mean and the printed line.
double summarize_one(const EvalResult& r, bool ap, const double* iou_thr, const std::string& area, int64_t max_dets,
                     std::string* line) {
  const EvalParams& p = r.params;
  const size_t T = p.iou_thrs.size(), R = p.rec_thrs.size(), K = r.category_ids.size(), A = p.area_rng.size(),
               M = p.max_dets.size();
  std::vector<size_t> ts;
  for (size_t t = 0; t < T; ++t)
    if (iou_thr == nullptr || p.iou_thrs[t] == *iou_thr) ts.push_back(t);
  std::vector<size_t> as, ms;
  for (size_t a = 0; a < A; ++a)
    if (p.area_lbl[a] == area) as.push_back(a);
  for (size_t m = 0; m < M; ++m)
    if (p.max_dets[m] == max_dets) ms.push_back(m);
  std::vector<double> vals;
  for (size_t t : ts) {
    if (ap) {
      for (size_t q = 0; q < R; ++q)
        for (size_t k = 0; k < K; ++k)
          for (size_t a : as)
            for (size_t m : ms) vals.push_back(r.precision_at(t, q, k, a, m));
    } else {
      for (size_t k = 0; k < K; ++k)
        for (size_t a : as)
          for (size_t m : ms) vals.push_back(r.recall_at(t, k, a, m));
    }
  }
  const double mean = mean_defined(vals);
  if (line != nullptr) {
    char iou_str[32];
    if (iou_thr == nullptr)
      std::snprintf(iou_str, sizeof(iou_str), "%0.2f:%0.2f", p.iou_thrs.front(), p.iou_thrs.back());
    else
      std::snprintf(iou_str, sizeof(iou_str), "%0.2f", *iou_thr);
    char buf[256];
    std::snprintf(buf, sizeof(buf), " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3lld ] = %0.3f\n",
                  ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iou_str, area.c_str(),
                  static_cast<long long>(max_dets), mean);
    *line = buf;
  }
  return mean;
}

// The 12 (ap, iouThr, area, maxDets index) rows of _summarizeDets.
struct SummaryRow {
  bool ap;
  double iou;  // < 0: all thresholds
  const char* area;
  int mdet;    // index into maxDets
};
constexpr std::array<SummaryRow, 12> kRows = {{{true, -1, "all", 2},
                                               {true, .5, "all", 2},
                                               {true, .75, "all", 2},
                                               {true, -1, "small", 2},
                                               {true, -1, "medium", 2},
                                               {true, -1, "large", 2},
                                               {false, -1, "all", 0},
                                               {false, -1, "all", 1},
                                               {false, -1, "all", 2},
                                               {false, -1, "small", 2},
                                               {false, -1, "medium", 2},
                                               {false, -1, "large", 2}}};

}  // namespace

EvalParams EvalParams::bbox_defaults() {
  EvalParams p;
  p.iou_thrs = linspace(.5, 0.95, static_cast<int>(std::round((0.95 - .5) / .05)) + 1);
  p.rec_thrs = linspace(.0, 1.00, static_cast<int>(std::round((1.00 - .0) / .01)) + 1);
  p.max_dets = {1, 10, 100};
  p.area_rng = {{0.0, 1e5 * 1e5}, {0.0, 32.0 * 32.0}, {32.0 * 32.0, 96.0 * 96.0}, {96.0 * 96.0, 1e5 * 1e5}};
  p.area_lbl = {"all", "small", "medium", "large"};
  return p;
}

double EvalResult::precision_at(size_t t, size_t r, size_t k, size_t a, size_t m) const {
  const size_t R = params.rec_thrs.size(), K = category_ids.size(), A = params.area_rng.size(),
               M = params.max_dets.size();
  return precision[(((t * R + r) * K + k) * A + a) * M + m];
}

double EvalResult::recall_at(size_t t, size_t k, size_t a, size_t m) const {
  const size_t K = category_ids.size(), A = params.area_rng.size(), M = params.max_dets.size();
  return recall[((t * K + k) * A + a) * M + m];
}

coco::Dataset read_ground_truth(const std::string& path) {
  coco::Dataset ds = coco::read_dataset(path);
  std::unordered_set<int64_t> ids;
  ids.reserve(ds.annotations.size() * 2);
  for (size_t i = 0; i < ds.annotations.size(); ++i) {
    if (!ids.insert(ds.annotations[i].id).second)
      throw Error(path + ": annotations[" + std::to_string(i) + "]: duplicate annotation id " +
                  std::to_string(ds.annotations[i].id));
  }
  return ds;
}

EvalResult evaluate_bbox(const coco::Dataset& gt, const std::vector<coco::Result>& detections, int num_threads) {
  EvalResult res;
  res.params = EvalParams::bbox_defaults();
  const EvalParams& p = res.params;

  Prepared prep;
  for (const auto& im : gt.images) prep.img_ids.push_back(im.id);
  for (const auto& c : gt.categories) prep.cat_ids.push_back(c.id);
  std::sort(prep.img_ids.begin(), prep.img_ids.end());
  prep.img_ids.erase(std::unique(prep.img_ids.begin(), prep.img_ids.end()), prep.img_ids.end());
  std::sort(prep.cat_ids.begin(), prep.cat_ids.end());
  prep.cat_ids.erase(std::unique(prep.cat_ids.begin(), prep.cat_ids.end()), prep.cat_ids.end());
  prep.I = prep.img_ids.size();
  prep.K = prep.cat_ids.size();
  std::unordered_map<int64_t, int64_t> img_index, cat_index;
  img_index.reserve(prep.I * 2);
  for (size_t i = 0; i < prep.I; ++i) img_index[prep.img_ids[i]] = static_cast<int64_t>(i);
  for (size_t k = 0; k < prep.K; ++k) cat_index[prep.cat_ids[k]] = static_cast<int64_t>(k);

  res.image_ids = prep.img_ids;
  res.category_ids = prep.cat_ids;
  res.per_category.resize(prep.K);
  for (size_t k = 0; k < prep.K; ++k) res.per_category[k].id = prep.cat_ids[k];
  for (const auto& c : gt.categories) {
    auto& pc = res.per_category[static_cast<size_t>(cat_index[c.id])];
    if (pc.name.empty()) pc.name = c.name;
  }

  // Group by category, then image (stable: file order inside an image), as _prepare's defaultdicts do.
  prep.gts.resize(prep.K);
  prep.dts.resize(prep.K);
  for (const auto& a : gt.annotations) {
    auto ii = img_index.find(a.image_id);
    auto kk = cat_index.find(a.category_id);
    if (ii == img_index.end() || kk == cat_index.end()) continue;  // not evaluated by pycocotools either
    prep.gts[static_cast<size_t>(kk->second)].emplace_back(ii->second, &a);
    if (a.iscrowd == 0) ++res.per_category[static_cast<size_t>(kk->second)].num_gt;
  }
  res.num_detections = static_cast<int64_t>(detections.size());
  for (size_t j = 0; j < detections.size(); ++j) {
    const coco::Result& d = detections[j];
    auto ii = img_index.find(d.image_id);
    if (ii == img_index.end())
      throw Error("detection [" + std::to_string(j) + "] has image_id " + std::to_string(d.image_id) +
                  ", which is not an image of the dataset '" + gt.origin + "'");
    auto kk = cat_index.find(d.category_id);
    if (kk == cat_index.end()) {
      ++res.num_dropped_categories;
      continue;
    }
    prep.dts[static_cast<size_t>(kk->second)].emplace_back(ii->second, static_cast<int64_t>(j));
    ++res.per_category[static_cast<size_t>(kk->second)].num_det;
  }
  for (size_t k = 0; k < prep.K; ++k) {
    auto by_image = [](const auto& x, const auto& y) { return x.first < y.first; };
    std::stable_sort(prep.gts[k].begin(), prep.gts[k].end(), by_image);
    std::stable_sort(prep.dts[k].begin(), prep.dts[k].end(), by_image);
  }

  const size_t T = p.iou_thrs.size(), R = p.rec_thrs.size(), A = p.area_rng.size(), M = p.max_dets.size();
  res.precision.assign(T * R * prep.K * A * M, -1.0);
  res.recall.assign(T * prep.K * A * M, -1.0);

  int n_threads = num_threads > 0 ? num_threads : static_cast<int>(std::thread::hardware_concurrency());
  n_threads = std::max(1, std::min<int>(n_threads, static_cast<int>(prep.K)));
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    for (size_t k = next++; k < prep.K; k = next++) evaluate_category(prep, k, detections, p, res);
  };
  if (n_threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(static_cast<size_t>(n_threads));
    for (int i = 0; i < n_threads; ++i)
      pool.emplace_back([&, i]() {
        try {
          worker();
        } catch (...) {
          errors[static_cast<size_t>(i)] = std::current_exception();
        }
      });
    for (auto& th : pool) th.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }

  for (size_t i = 0; i < kRows.size(); ++i) {
    const SummaryRow& row = kRows[i];
    res.stats[i] = summarize_one(res, row.ap, row.iou < 0 ? nullptr : &row.iou, row.area,
                                 p.max_dets[static_cast<size_t>(row.mdet)], nullptr);
  }
  // Per-category AP: precision[:, :, k, area all, maxDets 100] (and at IoU .50), entries > -1.
  const size_t a_all = 0, m_last = M - 1;
  for (size_t k = 0; k < prep.K; ++k) {
    std::vector<double> all, at50;
    for (size_t t = 0; t < T; ++t)
      for (size_t r = 0; r < R; ++r) {
        const double v = res.precision_at(t, r, k, a_all, m_last);
        all.push_back(v);
        if (p.iou_thrs[t] == 0.5) at50.push_back(v);
      }
    res.per_category[k].ap = mean_defined(all);
    res.per_category[k].ap50 = mean_defined(at50);
  }
  return res;
}

std::string format_summary(const EvalResult& result) {
  std::string out;
  for (const SummaryRow& row : kRows) {
    std::string line;
    summarize_one(result, row.ap, row.iou < 0 ? nullptr : &row.iou, row.area,
                  result.params.max_dets[static_cast<size_t>(row.mdet)], &line);
    out += line;
  }
  return out;
}

}  // namespace glip::eval
