"""Shared numba helpers: xorshift random numbers, sigmoid tables, alias-method draws."""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

MAX_EXP = 8.0
TABLE_SIZE = 4096
_xs = (np.arange(TABLE_SIZE, dtype=np.float64) + 0.5) / TABLE_SIZE * 2 * MAX_EXP - MAX_EXP
SIGMOID_TABLE = (1.0 / (1.0 + np.exp(-_xs))).astype(np.float32)
LOGSIG_TABLE = (-np.log1p(np.exp(-_xs))).astype(np.float32)  # log sigmoid(x)
_SCALE = np.float32(TABLE_SIZE / (2 * MAX_EXP))
_MAXE = np.float32(MAX_EXP)

M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True, inline="always")
def sigmoid(x):
    """sigmoid(x) from a 4096-entry table over [-8, 8] (error < 5e-4), clamped outside."""
    if x >= _MAXE:
        return np.float32(1.0)
    if x <= -_MAXE:
        return np.float32(0.0)
    return SIGMOID_TABLE[int((x + _MAXE) * _SCALE)]


@njit(cache=True, inline="always")
def log_sigmoid(x):
    """log sigmoid(x): table inside [-8, 8], x itself below, 0 above."""
    if x >= _MAXE:
        return np.float32(0.0)
    if x <= -_MAXE:
        return x
    return LOGSIG_TABLE[int((x + _MAXE) * _SCALE)]


@njit(cache=True, inline="always")
def splitmix64(x):
    """Scramble a seed (one step of splitmix64)."""
    z = (x + np.uint64(0x9E3779B97F4A7C15)) & M64
    z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & M64
    z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & M64
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def next_u64(state):
    """xorshift64* on a one-element uint64 array; returns 64 random bits."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= (x << np.uint64(25)) & M64
    x ^= x >> np.uint64(27)
    state[0] = x
    return (x * np.uint64(0x2545F4914F6CDD1D)) & M64


@njit(cache=True, inline="always")
def next_float(state):
    """Uniform float32 in [0, 1) from the top 24 bits."""
    return np.float32(next_u64(state) >> np.uint64(40)) * np.float32(1.0 / 16777216.0)


@njit(cache=True, inline="always")
def below(state, n):
    """Uniform integer in [0, n) by multiply-shift on the top 32 bits."""
    return np.int64(((next_u64(state) >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@njit(cache=True, inline="always")
def draw_alias(state, prob, alias):
    """One draw from a Walker alias table: O(1), two reads."""
    r = next_u64(state)
    i = np.int64(((r >> np.uint64(32)) * np.uint64(len(prob))) >> np.uint64(32))
    coin = np.float32(r & np.uint64(0xFFFFFF)) * np.float32(1.0 / 16777216.0)
    if coin < prob[i]:
        return i
    return np.int64(alias[i])


@intrinsic
def _prefetch(typingctx, arr, i, j):
    """llvm.prefetch of arr[i, j] (read, high locality): a hint, never a fault."""
    sig = types.void(arr, i, j)

    def codegen(context, builder, signature, args):
        arrty, ity, jty = signature.args
        ary = context.make_array(arrty)(context, builder, args[0])
        idx = [context.cast(builder, args[1], ity, types.intp), context.cast(builder, args[2], jty, types.intp)]
        ptr = cgutils.get_item_pointer(context, builder, arrty, ary, idx, wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i8p, ir.IntType(32), ir.IntType(32), ir.IntType(32)])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        i32 = ir.IntType(32)
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, inline="always")
def prefetch_row(arr, row):
    """Ask for every cache line of ``arr[row]`` ahead of use (rows are random: a miss each)."""
    for k in range(0, arr.shape[1], 16):
        _prefetch(arr, row, k)


@intrinsic
def _bits_to_float(typingctx, i):
    """Reinterpret an int32's bits as a float32 (vectorisable, unlike a call to expf)."""
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return sig, codegen


_LOG2E = np.float32(1.4426950408889634)


@njit(cache=True, inline="always", fastmath=True)
def fast_exp(x):
    """exp(x) in float32 for x <= 0 (relative error < 1e-5, clamped at exp(-87)): 2^n times a
    degree-6 polynomial of 2^f. Pure arithmetic, so loops over it vectorise."""
    if x < np.float32(-87.0):
        x = np.float32(-87.0)
    t = x * _LOG2E
    n = np.floor(t)
    f = t - n
    p = np.float32(1.5353362e-4)
    p = p * f + np.float32(1.3398874e-3)
    p = p * f + np.float32(9.6179039e-3)
    p = p * f + np.float32(5.5503406e-2)
    p = p * f + np.float32(2.4022652e-1)
    p = p * f + np.float32(6.9314712e-1)
    p = p * f + np.float32(1.0)
    return p * _bits_to_float(np.int32((np.int32(n) + np.int32(127)) << np.int32(23)))
