"""Read emubench training data (`emubench generate`) into PyTorch.

Usage: python3 docs/training_data_example.py TRAIN.zarr TRAIN.h5 [TRAIN.npy]

Each file holds N trajectories of T' stored states (entry 0 the IC). The Dataset below yields
one-step pairs (u_t, u_{t+1}) with the channel axis first, the layout emubench feeds a model.
Run by docs/training_data_test.ts where torch, zarr and h5py are installed.
"""
import json
import sys

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset


class EmubenchPairs(Dataset):
    """(u_t, u_{t+1}) pairs from an emubench trajectory array [N, T', C, ...grid]."""

    def __init__(self, trajectories, meta):
        self.x = trajectories  # a zarr / h5py / numpy array: nothing is read until indexed
        self.meta = meta
        self.n, self.t = trajectories.shape[0], trajectories.shape[1]

    def __len__(self):
        return self.n * (self.t - 1)

    def __getitem__(self, k):
        i, t = divmod(k, self.t - 1)
        pair = np.array(self.x[i, t : t + 2], dtype=np.float32)  # a writable copy
        return torch.from_numpy(pair[0]), torch.from_numpy(pair[1])


def open_zarr(path):
    import zarr

    group = zarr.open_group(path, mode="r")
    return group["trajectories"], dict(group.attrs)


class ChannelsFirst:
    """An h5py `tensor` [N, T', ...grid] or [N, T', ...grid, C] seen as [N, T', C, ...grid]."""

    def __init__(self, dset, fields):
        self.d, self.c = dset, fields
        grid = dset.shape[2:] if fields == 1 else dset.shape[2:-1]
        self.shape = (dset.shape[0], dset.shape[1], fields, *grid)

    def __getitem__(self, idx):
        a = np.asarray(self.d[idx])  # idx = (i, t0:t1): [t, ...grid] or [t, ...grid, C]
        return np.expand_dims(a, 1) if self.c == 1 else np.moveaxis(a, -1, 1)


def open_h5(path):
    import h5py

    f = h5py.File(path, "r")
    meta = dict(f.attrs)
    for key in ("fields", "grid", "params"):  # nested values are stored as JSON text
        meta[key] = json.loads(meta[key])
    return ChannelsFirst(f["tensor"], len(meta["fields"])), meta


def open_npy(path):
    with open(path + ".json") as f:
        meta = json.load(f)
    return np.load(path, mmap_mode="r"), meta


if __name__ == "__main__":
    openers = {".zarr": open_zarr, ".h5": open_h5, ".npy": open_npy}
    firsts = []
    for path in sys.argv[1:]:
        arr, meta = openers["." + path.rstrip("/").rsplit(".", 1)[1]](path)
        ds = EmubenchPairs(arr, meta)
        u0, u1 = next(iter(DataLoader(ds, batch_size=4, shuffle=False)))
        assert u0.shape[1] == len(meta["fields"]), (u0.shape, meta["fields"])
        assert np.isfinite(u0.numpy()).all() and np.isfinite(u1.numpy()).all()
        print(json.dumps({"file": path, "suite": meta["suite"], "split": meta["split"],
                          "pairs": len(ds), "batch": list(u0.shape), "first": float(u0.flatten()[0]),
                          "dt": meta["stored_dt"]}))
        firsts.append(float(u0.flatten()[0]))
    assert max(firsts) == min(firsts), "the formats hold the same data"
