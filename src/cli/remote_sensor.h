// cli/remote_sensor.h: `entente sense --url` - a sensor on another host than the node (issue
// 14, "Sensors as real clients").
//
// The sensor keeps a state folder of its own (a store file, created on first use) holding a
// copy of the indicators its token may read on the node and the sightings it made:
//   - Fetch reads, over TAXII 2.1, the indicator versions of every collection the node lets
//     the token read (the node's gate decides what that is), from where the last fetch
//     stopped (added_after), and stores them in the local collection `indicators`;
//   - the sensor matches against that copy and stores its sightings in the local
//     collection `sightings`, exactly as `entente sense` does on a node (read positions and
//     open windows saved with them);
//   - Send POSTs the sightings not yet acknowledged to the node's collection with the token,
//     and moves its checkpoint once the node has answered with a complete status. A crash
//     between the answer and the checkpoint sends them again: the node holds those versions
//     already and counts them once.
// The sighting organisation is the token's: its identity (--identity) is the sightings'
// created_by_ref, which the node accepts only from that organisation's token.
// What the copy cannot know: a version deleted on the node stays in the copy (TAXII has no
// way to list deletions); revocations and new versions arrive with the next fetch.
//
// Not safe for concurrent use.
#pragma once

#include <memory>
#include <string>

#include "entente/status.h"
#include "store/store.h"
#include "taxii/client.h"

namespace entente::cli {

struct RemoteSensorOptions {
  std::string url;         // the node's TAXII API root, e.g. https://cert.example:9440/api/
  std::string token;       // a token of the sighting organisation on that node
  std::string collection;  // the node's collection the sightings are posted to
  std::string identity;    // the organisation's STIX identity id on the node
  std::string sector, country;
  std::string state_dir;  // where the copy and the checkpoints live
};

class RemoteSensor {
 public:
  // Opens (or creates) the state folder and checks the URL. Errors: invalid-argument for a
  // bad URL or identity, io-error for a folder that cannot be created.
  static Result<std::unique_ptr<RemoteSensor>> Open(RemoteSensorOptions options);

  store::Store& local() { return *store_; }
  const store::Organisation& organisation() const { return org_; }
  const store::Collection& sightings() const { return sightings_; }

  // New indicator versions from the node into the copy; the number stored.
  Result<size_t> Fetch();
  // Sightings not yet acknowledged, to the node; the number the node acknowledged.
  Result<size_t> Send();

 private:
  RemoteSensor() = default;

  RemoteSensorOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<taxii::TaxiiClient> client_;
  store::Organisation org_;
  store::Collection indicators_, sightings_;
};

}  // namespace entente::cli
