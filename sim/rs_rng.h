/*
 * rs_rng: random streams. Each entity of a run draws from its own stream,
 * derived from (scenario seed, entity id) alone, so adding an entity does not
 * change the numbers another entity sees, and the same seed gives the same
 * numbers on every machine. The generator is xoshiro256** (Blackman and
 * Vigna), its state filled by splitmix64.
 */
#ifndef RS_RNG_H
#define RS_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "rs_time.h"

typedef struct {
  uint64_t s[4];
} rs_rng;

/*
 * Seed the stream of entity `stream` in a run seeded with `seed`: a splitmix64
 * generator started at mix(seed) ^ mix(stream + golden ratio) gives the four
 * words of xoshiro256** state.
 */
void rs_rng_init(rs_rng *r, uint64_t seed, uint64_t stream);

/* A stable entity id for a name (64-bit FNV-1a), for rs_rng_init. */
uint64_t rs_stream_id(const char *name);

/* Next 64 random bits. */
uint64_t rs_rng_next(rs_rng *r);

/* Uniform double in [0, 1), 53 random bits. */
double rs_rng_uniform(rs_rng *r);

/* Uniform integer in [0, n) without bias; n > 0. */
uint64_t rs_rng_below(rs_rng *r, uint64_t n);

/* Exponential with the given mean (> 0). */
double rs_rng_exponential(rs_rng *r, double mean);

/* Standard normal (Box-Muller; one draw uses two uniforms). */
double rs_rng_normal(rs_rng *r);

/* Lognormal: exp(mu + sigma * N(0,1)). */
double rs_rng_lognormal(rs_rng *r, double mu, double sigma);

/* Lognormal with the given mean and coefficient of variation (sd / mean). */
double rs_rng_lognormal_mean(rs_rng *r, double mean, double cv);

/* An exponential duration with the given mean, rounded to a microsecond. */
rs_time_t rs_rng_exp_time(rs_rng *r, rs_time_t mean);

#endif
