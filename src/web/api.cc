#include "web/api.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "common/timestamp.h"

namespace entente::web {

namespace json = boost::json;

json::object RowJson(const RowSummary& r) {
  json::object o;
  o["collection"] = r.collection_id;
  o["id"] = r.id;
  o["type"] = r.type;
  o["version"] = r.version;
  o["date_added"] = FormatTimestamp(r.date_added_us, 6);
  o["tlp"] = std::string(policy::TlpName(r.tlp));
  o["label"] = r.label;
  return o;
}

namespace {

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& i : items) a.emplace_back(i);
  return a;
}

json::array Rows(const std::vector<RowSummary>& rows) {
  json::array a;
  for (const auto& r : rows) a.push_back(RowJson(r));
  return a;
}

}  // namespace

json::object OverviewJson(const OverviewData& d) {
  json::object o;
  json::array colls;
  for (const auto& c : d.collections) {
    json::object by_tlp;
    for (int t = 0; t <= static_cast<int>(policy::Tlp::kRed); ++t) {
      by_tlp[policy::TlpName(static_cast<policy::Tlp>(t))] = c.by_tlp[static_cast<size_t>(t)];
    }
    colls.push_back(json::object{{"id", c.collection.id},
                                 {"title", c.collection.title},
                                 {"by_tlp", std::move(by_tlp)},
                                 {"total", c.total},
                                 {"capped", c.capped}});
  }
  o["collections"] = std::move(colls);
  json::array hours;
  for (size_t i = 0; i < d.hourly.counts.size(); ++i) {
    const int64_t start = d.hourly.first_hour_us + static_cast<int64_t>(i) * 3600'000'000LL;
    const int64_t sightings =
        i < d.sightings_hourly.counts.size() ? d.sightings_hourly.counts[i] : 0;
    hours.push_back(json::object{{"hour", FormatTimestamp(start, 0)},
                                 {"added", d.hourly.counts[i]},
                                 {"sightings", sightings}});
  }
  o["added_per_hour"] = std::move(hours);
  o["added_per_hour_capped"] = d.hourly.capped;
  o["sightings_per_hour_capped"] = d.sightings_hourly.capped;
  o["recent_sightings"] = Rows(d.sightings);
  json::array deadlines;
  for (const auto& m : d.deadlines) {
    deadlines.push_back(json::object{{"collection", m.collection_id},
                                     {"message", m.state.message.id},
                                     {"subject", m.state.message.subject},
                                     {"phase", cases::PhaseName(m.state.phase)},
                                     {"deadline", FormatTimestamp(m.state.deadline_us, 6)}});
  }
  o["running_deadlines"] = std::move(deadlines);
  o["running_deadlines_total"] = d.deadlines_total;
  o["running_deadlines_capped"] = d.deadlines_capped;
  json::array nis2;
  for (const auto& n : d.nis2) {
    nis2.push_back(json::object{{"collection", n.collection_id},
                                {"case", n.case_id},
                                {"name", n.case_name},
                                {"report", cases::Nis2StageName(n.clock.stage)},
                                {"status", cases::ClockStatusName(n.clock.status)},
                                {"deadline", FormatTimestamp(n.clock.due_us, 6)}});
  }
  o["nis2_clocks"] = std::move(nis2);
  o["nis2_more"] = d.nis2_more;
  if (d.peers) {
    json::array peers;
    for (const auto& p : *d.peers) {
      peers.push_back(json::object{
          {"name", p.peer.name},
          {"jurisdiction", p.peer.jurisdiction},
          {"last_success",
           p.status.last_success_us ? FormatTimestamp(p.status.last_success_us, 6) : ""},
          {"lag_seconds", p.status.lag_us / 1'000'000},
          {"pulled", p.status.pulled},
          {"pushed", p.status.pushed},
          {"withheld", p.status.withheld},
          {"failures", p.status.failures},
          {"last_error", p.status.last_error}});
    }
    o["peers"] = std::move(peers);
  }
  return o;
}

json::object BrowseJson(const BrowseForm& form, const BrowsePage& page) {
  json::object o;
  o["collection"] = form.query.collection_id;
  if (!form.query.community.empty()) o["community"] = form.query.community;
  o["objects"] = Rows(page.rows);
  o["more"] = page.more;
  if (page.more) o["next"] = FormatTimestamp(page.next_after_us, 6);
  return o;
}

json::object SearchJson(const std::string& q, const std::string& kind,
                        const std::vector<RowSummary>& results) {
  return json::object{{"query", q}, {"by", kind}, {"results", Rows(results)}};
}

json::object ObjectJson(const ObjectDetail& d) {
  json::object o = RowJson(d.summary);
  boost::system::error_code ec;
  json::value obj = json::parse(d.json, ec);
  o["object"] = ec ? json::value(d.json) : std::move(obj);
  o["audience"] = json::object{{"communities", Strings(d.labels.audience.communities)},
                               {"recipients", Strings(d.labels.audience.recipients)},
                               {"individuals", Strings(d.labels.audience.individuals)}};
  o["owner"] = d.labels.owner_org;
  json::array versions;
  for (const auto& [version, added] : d.versions) {
    versions.push_back(
        json::object{{"version", version}, {"date_added", FormatTimestamp(added, 6)}});
  }
  o["versions"] = std::move(versions);
  if (d.provenance) o["provenance"] = Strings(d.provenance->path);
  json::array refs;
  for (const auto& [prop, id] : d.refs)
    refs.push_back(json::object{{"property", prop}, {"id", id}});
  o["refs"] = std::move(refs);
  o["sightings"] = Rows(d.sightings);
  json::array incoming;
  for (const auto& in : d.incoming) {
    json::object r = RowJson(in.relationship);
    r["relationship_type"] = in.relationship_type;
    r["source_ref"] = in.source_ref;
    incoming.push_back(std::move(r));
  }
  o["incoming_relationships"] = std::move(incoming);
  o["incoming_relationships_more"] = d.incoming_more;
  store::SeenQuery q;
  q.object_id = d.summary.id;
  json::object seen = store::SeenJson(q, d.seen);
  seen.erase("indicators");
  seen["sightings_looked_at_most"] = static_cast<int64_t>(kMaxSeenSightings);
  o["who_else_saw_it"] = std::move(seen);
  return o;
}

json::object ExplainJson(const Explanation& e) {
  const policy::EgressDecision& d = e.egress.decision;
  json::object o{{"peer", e.peer.name},
                 {"collection", e.collection_id},
                 {"id", e.id},
                 {"version", e.version},
                 {"tlp", std::string(policy::TlpName(e.labels.tlp))},
                 {"provenance", Strings(e.egress.path)},
                 {"hops", e.egress.hops},
                 {"decision", d.send ? "send" : "withhold"},
                 {"reason", d.reason},
                 {"changes", Strings(d.changes)},
                 {"object_hidden", e.json_hidden}};
  if (d.send && !e.json_hidden) {
    boost::system::error_code ec;
    json::value obj = json::parse(e.egress.json, ec);
    if (!ec) o["object"] = std::move(obj);
  }
  return o;
}

}  // namespace entente::web
