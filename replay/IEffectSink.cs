namespace MmReplay.Replay;

/// <summary>Where the model puts its effects. The engine batches them for the analyzers; tests collect them.</summary>
public interface IEffectSink
{
    void Emit(in Effect effect);

    /// <summary>The kinds this sink consumes; the model skips building the others (read when the sink changes).</summary>
    EffectKinds Wants => EffectKinds.All;
}
