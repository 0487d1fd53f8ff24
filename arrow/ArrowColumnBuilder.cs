namespace MmReplay.Arrow;

/// <summary>
/// Accumulates one column of the pending record batch. Buffers are allocated once for the writer's batch
/// size and reused batch after batch; appends never allocate. The validity bitmap only comes to life at the
/// first null of a batch, so columns without nulls pay one predictable branch per value.
/// </summary>
public abstract class ArrowColumnBuilder
{
    private byte[] _validity = [];
    private protected bool _tracksNulls;

    private protected ArrowColumnBuilder(ArrowField field) => Field = field;

    public ArrowField Field { get; }

    /// <summary>Values (including nulls) appended to the pending batch.</summary>
    public int Count { get; private protected set; }

    public int NullCount { get; private set; }

    /// <summary>Append a null (the field must be nullable).</summary>
    public void AppendNull()
    {
        if (!Field.Nullable)
        {
            throw new InvalidOperationException($"column '{Field.Name}' is not nullable: cannot append null");
        }

        var index = Count;
        if (!_tracksNulls)
        {
            StartTrackingNulls(index);
        }

        AppendEmptyValue();
        EnsureValidityCapacity(index);
        NullCount++;
    }

    /// <summary>Buffers in Arrow's order for this type; buffer 0 is the validity bitmap (empty when no nulls).</summary>
    internal abstract int BufferCount { get; }

    internal abstract ReadOnlySpan<byte> GetBuffer(int index);

    internal ReadOnlySpan<byte> Validity => NullCount == 0 ? [] : _validity.AsSpan(0, (Count + 7) >> 3);

    /// <summary>Forget the flushed batch; keep the buffers.</summary>
    internal virtual void Reset()
    {
        if (_tracksNulls)
        {
            _validity.AsSpan(0, Math.Min(_validity.Length, (Count + 7) >> 3)).Clear();
            _tracksNulls = false;
        }

        Count = 0;
        NullCount = 0;
    }

    /// <summary>Store a zero / empty value for a null slot and advance <see cref="Count"/>.</summary>
    private protected abstract void AppendEmptyValue();

    /// <summary>Called by appends only while <see cref="_tracksNulls"/> is set.</summary>
    private protected void MarkValid(int index)
    {
        EnsureValidityCapacity(index);
        _validity[index >> 3] |= (byte)(1 << (index & 7));
    }

    private void EnsureValidityCapacity(int index)
    {
        if ((index >> 3) >= _validity.Length)
        {
            Array.Resize(ref _validity, Math.Max(_validity.Length * 2, (index >> 3) + 1));
        }
    }

    /// <summary>First null of the batch: every earlier slot was valid.</summary>
    private void StartTrackingNulls(int validBefore)
    {
        EnsureValidityCapacity(Math.Max(validBefore, 1) + 8);
        var full = validBefore >> 3;
        _validity.AsSpan(0, full).Fill(0xFF);
        _validity.AsSpan(full).Clear();
        for (var i = full << 3; i < validBefore; i++)
        {
            _validity[i >> 3] |= (byte)(1 << (i & 7));
        }

        _tracksNulls = true;
    }
}
